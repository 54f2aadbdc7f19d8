/** Why a token was refused; becomes the `error_description` of the 401 (RFC 6750 §3). */
export type InvalidTokenReason =
  | 'malformed'
  | 'algorithm'
  | 'signature'
  | 'unknown-key'
  | 'expired'
  | 'not-yet-valid'
  | 'issuer'
  | 'audience'
  | 'lifetime';

/** The presented access token is not acceptable (RFC 6750 `invalid_token`): answered 401. */
export class InvalidTokenError extends Error {
  readonly code = 'AUTH.INVALID_TOKEN';
  constructor(
    readonly reason: InvalidTokenReason,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/** The issuer's JWKS could not be fetched (identity down, timeout, bad answer): answered 503, not 401. */
export class AuthUnavailableError extends Error {
  readonly code = 'AUTH.UNAVAILABLE';
  constructor(options?: { cause?: unknown }) {
    super('The signing keys of the identity service could not be fetched.', options);
    this.name = 'AuthUnavailableError';
  }
}
