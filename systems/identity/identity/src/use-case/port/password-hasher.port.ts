/**
 * Password hashing (a slow, salted KDF; implemented in gateway/). Secrets given to it are never
 * logged or stored in clear.
 */
export interface PasswordHasherPort {
  /** A self-describing hash of `secret` with a fresh random salt. */
  hash(secret: string): Promise<string>;
  /**
   * Whether `secret` matches `hash`, compared in constant time. With `hash` undefined (unknown
   * account) it does the same work against a dummy hash and returns false, so timing does not
   * tell whether an account exists. A malformed hash counts as a mismatch.
   */
  verify(secret: string, hash: string | undefined): Promise<boolean>;
}

export const PASSWORD_HASHER = Symbol('PasswordHasherPort');

/**
 * Too many hashes are queued: the request is refused at once rather than waiting (HTTP 503 with
 * `Retry-After: retryAfterSeconds`).
 */
export class HashingBusyError extends Error {
  readonly code = 'AUTH.BUSY';
  constructor(readonly retryAfterSeconds: number) {
    super('The service is busy; retry shortly');
  }
}
