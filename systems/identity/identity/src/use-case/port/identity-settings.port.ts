/** Deployment settings the identity use cases and handlers need. */
export interface IdentitySettings {
  /** `iss` of every token and base of the discovery document (`IDENTITY_ISSUER`). */
  readonly issuer: string;
  /** Lifetime of a refresh token in seconds, renewed at each rotation. */
  readonly refreshTokenTtlSeconds: number;
  /** Failed password attempts per account tolerated within `loginWindowSeconds`. */
  readonly loginMaxFailures: number;
  readonly loginWindowSeconds: number;
}

export const IDENTITY_SETTINGS = Symbol('IdentitySettings');

/** The current time; a port so that lockout windows and expiry can be tested. */
export interface ClockPort {
  now(): Date;
}

export const CLOCK = Symbol('ClockPort');
