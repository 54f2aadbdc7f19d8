/** Injection token of {@link IssuerPort}. */
export const ISSUER = Symbol('ISSUER');

/** A W3C DID document (did:web), as served at `/.well-known/did.json`. */
export interface DidDocument {
  readonly '@context': readonly string[];
  readonly id: string;
  readonly verificationMethod: readonly {
    readonly id: string;
    readonly type: 'JsonWebKey';
    readonly controller: string;
    readonly publicKeyJwk: Readonly<Record<string, unknown>>;
  }[];
  readonly assertionMethod: readonly string[];
  readonly authentication: readonly string[];
}

/** Outcome of checking a compact JWS against the issuer's keys. */
export type SignatureCheck =
  | { readonly ok: true; readonly kid: string; readonly detail: string }
  | { readonly ok: false; readonly detail: string };

/**
 * The deployment's credential issuer: its DID, its signing keys (current signs; every earlier key
 * still verifies) and where its public documents live.
 */
export interface IssuerPort {
  /** The issuer DID, e.g. `did:web:localhost%3A8000`. */
  readonly did: string;
  /** Absolute URL of the public verification endpoint (`POST …/credentials/verify`). */
  verifyUrl(): string;
  /** Absolute URL of the revocation status list credential `list`. */
  statusListUrl(list: number): string;
  /**
   * Signs `payload` (a JSON object, the whole JWT payload) as a compact JWS with the current key:
   * header `alg: ES256`, `typ` as given, `cty: vc`, `kid` (a DID URL of the DID document).
   */
  sign(payload: Readonly<Record<string, unknown>>, typ: 'vc+jwt'): Promise<string>;
  /** The DID document listing every key by `kid` (current first). */
  didDocument(): DidDocument;
  /** Checks a compact JWS's signature with the key its `kid` names; never throws. */
  verifySignature(jws: string): Promise<SignatureCheck>;
}
