/** What {@link SecretBoxPort.open} found: the clear value, and whether it should be sealed again. */
export interface OpenedSecret {
  readonly plaintext: string;
  /**
   * `true` when the stored value was clear text (a row from before encryption at rest) or was
   * sealed with a key that is no longer the current one: the store seals it again.
   */
  readonly stale: boolean;
}

/**
 * Authenticated encryption of small secrets at rest (implemented in gateway/: AES-256-GCM). The
 * `context` (e.g. `totp:<user id>`) is bound to the ciphertext as additional authenticated data, so
 * a sealed value copied to another row does not open.
 */
export interface SecretBoxPort {
  /** Seals `plaintext` with the current key; the result is printable ASCII. */
  seal(plaintext: string, context: string): string;
  /**
   * Opens a value sealed by {@link seal} with any configured key; a value that is not sealed at all
   * (clear text from before encryption) is returned as is, marked stale.
   * @throws SecretBoxError when the key is unknown or the value or its context was tampered with
   */
  open(stored: string, context: string): OpenedSecret;
  /** Whether `stored` is a sealed value (not clear text). */
  isSealed(stored: string): boolean;
  /** The prefix of every value sealed with the current key (a value without it is stale). */
  readonly currentPrefix: string;
}

/** A sealed value that cannot be opened (unknown key id, altered ciphertext, other context). */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}
