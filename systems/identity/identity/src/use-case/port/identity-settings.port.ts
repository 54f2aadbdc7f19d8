import type { ThrottlePolicy } from '../../entity/token/login-throttle.js';

/** Deployment settings the identity use cases and handlers need. */
export interface IdentitySettings {
  /** `iss` of every token and base of the discovery document (`IDENTITY_ISSUER`). */
  readonly issuer: string;
  /** Idle lifetime of a session: each refresh token expires this many seconds after its issue. */
  readonly refreshTokenTtlSeconds: number;
  /** Absolute lifetime of a session (refresh-token family) in seconds, whatever its use. */
  readonly refreshAbsoluteTtlSeconds: number;
  /** Progressive delays per account (normalised e-mail) after failed sign-ins. */
  readonly loginAccountThrottle: ThrottlePolicy;
  /** Progressive delays per client IP after failed sign-ins. */
  readonly loginIpThrottle: ThrottlePolicy;
  /** Scopes a user may request with the password grant (allow-list). */
  readonly userScopes: readonly string[];
  /** Failures older than this (seconds since the key's last failure) are forgotten. */
  readonly loginWindowSeconds: number;
  /** Sign-in (password grant, login page) refused while the account's address is not verified. */
  readonly requireVerifiedEmail: boolean;
  /** Lifetime of an e-mail verification token, seconds. */
  readonly emailVerificationTtlSeconds: number;
  /** Lifetime of a password reset token, seconds. */
  readonly passwordResetTtlSeconds: number;
  /** Per address: requests that send a security e-mail (reset, repeated registration). */
  readonly emailRequestThrottle: ThrottlePolicy;
  /**
   * Roles whose users must sign in with a second factor (`IDENTITY_MFA_REQUIRED_ROLES`): such a
   * user without TOTP is made to enrol on the login page, and the password grant refuses them.
   * Absent or empty: nobody is forced.
   */
  readonly mfaRequiredRoles?: readonly string[];
}

export const IDENTITY_SETTINGS = Symbol('IdentitySettings');

/** The current time; a port so that lockout windows and expiry can be tested. */
export interface ClockPort {
  now(): Date;
}

export const CLOCK = Symbol('ClockPort');
