/** A TOTP authenticator of a user: pending until its first code confirms it. */
export interface TotpFactor {
  readonly userId: string;
  readonly status: 'pending' | 'active';
  /** Base32 shared secret (RFC 4648), never shown again after enrolment. */
  readonly secret: string;
  /** Last time step (`floor(unix seconds / 30)`) a code was accepted for: replay protection. */
  readonly lastUsedStep?: number;
}

/**
 * TOTP factors and their recovery codes (implemented in repository/: Postgres). Recovery codes
 * are stored as SHA-256 only; the store hashes them.
 */
export interface TotpFactorsPort {
  find(userId: string): Promise<TotpFactor | undefined>;
  /** Starts (or restarts) a pending enrolment with `secret`; an active factor is left alone (returns false). */
  savePending(userId: string, secret: string, now: Date): Promise<boolean>;
  /**
   * Pending → active with `step` as last used step and `recoveryCodes` (normalised) as the only
   * valid recovery codes. False when the factor was not pending (concurrent confirmation).
   */
  activate(userId: string, step: number, recoveryCodes: readonly string[], now: Date): Promise<boolean>;
  /** Atomically accepts `step` for an active factor when it is later than the last used step. */
  useStep(userId: string, step: number, now: Date): Promise<boolean>;
  /** Atomically marks the (normalised) recovery code used; false when unknown or used. */
  useRecoveryCode(userId: string, code: string, now: Date): Promise<boolean>;
  /** Unused recovery codes left. */
  recoveryCodesLeft(userId: string): Promise<number>;
  /** Removes the factor and its recovery codes; false when there was none. */
  remove(userId: string): Promise<boolean>;
}

export const TOTP_FACTORS = Symbol('TotpFactorsPort');

/** RFC 6238 computations and the enrolment picture (implemented in gateway/: otpauth, qrcode). */
export interface TotpPort {
  /** A new random base32 secret (160 bits, RFC 4226 §4 recommends ≥ 128). */
  newSecret(): string;
  /** The `otpauth://totp/...` key URI authenticator apps import (issuer, account label, SHA1, 6 digits, 30 s). */
  keyUri(secret: string, accountName: string): string;
  /** The key URI as an SVG QR code. */
  qrCodeSvg(uri: string): Promise<string>;
  /** The time step of `now` (`floor(unix seconds / 30)`). */
  stepAt(now: Date): number;
  /** The step within ±1 of `now` whose code is `code`, or `undefined`. */
  matchStep(secret: string, code: string, now: Date): number | undefined;
}

export const TOTP = Symbol('TotpPort');
