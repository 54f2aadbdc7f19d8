/** What an access token says about its subject (RFC 7519 claims `sub`, `roles`, `email`, `scope`). */
export interface AccessTokenSubject {
  /** User id (UUID), or the client id for client_credentials tokens. */
  readonly subject: string;
  readonly roles: readonly string[];
  /** Users only. */
  readonly email?: string;
  /** Users only: claim `email_verified` (OpenID Connect Core §5.1), whether the user proved the address. */
  readonly emailVerified?: boolean;
  /** Space-separated scope (RFC 6749 §3.3), when one was granted. */
  readonly scope?: string;
  /** Session (refresh-token family) the token belongs to: claim `sid` (OpenID Connect). */
  readonly sessionId?: string;
  /** `aud` when not the default audience: the one service a service token is for (RFC 8707). */
  readonly audience?: string;
}

/** A signed access token and its lifetime in seconds. */
export interface SignedAccessToken {
  readonly accessToken: string;
  readonly expiresIn: number;
}

/** The bearer token presented is missing, malformed, expired, not ours or badly signed. */
export class InvalidAccessTokenError extends Error {
  readonly code = 'AUTH.INVALID_TOKEN';
  constructor(detail = 'The access token is missing, malformed, expired or not valid') {
    super(detail);
  }
}

/** A JSON Web Key Set (RFC 7517 §5) of public keys. */
export interface PublicJwks {
  readonly keys: readonly Record<string, unknown>[];
}

/** The claims of an OpenID Connect ID token (Core §2) identity signs. */
export interface IdTokenClaims {
  readonly subject: string;
  /** `aud`: the client id. */
  readonly clientId: string;
  /** ISO 8601 time of the authentication (`auth_time`). */
  readonly authTime: string;
  readonly nonce?: string;
  /** RFC 8176 methods, e.g. `['pwd']`. */
  readonly amr: readonly string[];
  /** The session (`sid`). */
  readonly sessionId: string;
  readonly email?: string;
  /** With `email`: claim `email_verified`. */
  readonly emailVerified?: boolean;
  readonly name?: string;
}

/** What an `id_token_hint` (RP-initiated logout) names; expiry is not checked, the signature is. */
export interface IdTokenHint {
  readonly subject: string;
  readonly clientId: string;
  readonly sessionId?: string;
}

/** Signing and verification of JWT access tokens (RFC 7519, ES256 with `kid`); implemented in gateway/. */
export interface AccessTokensPort {
  /** Signs a token for `subject` with the current key: `iss`, `aud`, `iat`, `exp`, `jti` set by the adapter. */
  issue(subject: AccessTokenSubject): Promise<SignedAccessToken>;
  /**
   * Verifies signature (current or previous key), `iss`, `aud` (the default audience, or
   * `audience`), `exp`, `iat` and algorithm.
   * @throws InvalidAccessTokenError
   */
  verify(token: string, audience?: string): Promise<AccessTokenSubject>;
  /** Signs an ID token (ES256, `typ: JWT`), lifetime as access tokens. */
  issueIdToken(claims: IdTokenClaims): Promise<string>;
  /** The ID token's subject, client and session when identity signed it (even expired); else `undefined`. */
  readIdTokenHint(token: string): Promise<IdTokenHint | undefined>;
  /** The public keys to publish: current first, then the previous one (RFC 7517). */
  publicJwks(): PublicJwks;
}

export const ACCESS_TOKENS = Symbol('AccessTokensPort');
