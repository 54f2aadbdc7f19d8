// Types of @digitalbazaar/bitstring 3.x (the package ships none): the parts this service uses.
declare module '@digitalbazaar/bitstring' {
  export class Bitstring {
    constructor(options: { length?: number; buffer?: Uint8Array; leftToRightIndexing?: boolean });
    readonly length: number;
    set(position: number, on: boolean): void;
    get(position: number): boolean;
    /** GZIP, then base64url (no padding). */
    encodeBits(): Promise<string>;
    static decodeBits(options: { encoded: string }): Promise<Uint8Array>;
  }
}
