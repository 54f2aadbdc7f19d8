import type { ThrottlePolicy } from '../../entity/token/login-throttle.js';

/** One throttled key of a sign-in attempt: `account:<e-mail>` or `ip:<address>`, with its policy. */
export interface ThrottleKey {
  readonly key: string;
  readonly policy: ThrottlePolicy;
}

/** The answer of {@link LoginAttemptsPort.begin}. */
export type AttemptAdmission =
  { readonly admitted: true } | { readonly admitted: false; readonly retryAfterSeconds: number };

/**
 * Failed sign-in attempts per key (normalised e-mail, whether or not an account exists, and client
 * IP), with progressive delays. Implemented in repository/ (Postgres: shared by every instance).
 */
export interface LoginAttemptsPort {
  /**
   * Admits an attempt BEFORE its password is checked, atomically across concurrent attempts: when
   * any key is still delayed the attempt is refused and nothing is counted; otherwise a failure is
   * counted for every key in advance (refunded by {@link succeeded}) and each key's next delay set
   * (see `loginDelaySeconds`). Failures older than `windowSeconds` are forgotten.
   */
  begin(keys: readonly ThrottleKey[], now: Date, windowSeconds: number): Promise<AttemptAdmission>;
  /** The admitted attempt succeeded: the account key is forgotten, the other keys get their failure back. */
  succeeded(accountKey: string, otherKeys: readonly string[]): Promise<void>;
  /** The admitted attempt was not decided (the hashing queue was full): every key gets its failure back. */
  refund(keys: readonly string[]): Promise<void>;
}

export const LOGIN_ATTEMPTS = Symbol('LoginAttemptsPort');
