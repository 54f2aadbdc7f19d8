/** Injection token of the {@link AuthOptions} given to `AuthModule.forRoot`. */
export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

/** How a service validates access tokens (RFC 7519 JWTs signed by the identity service). */
export interface AuthOptions {
  /** Absolute URL of the issuer's JWKS (RFC 7517), e.g. `http://127.0.0.1:3201/identity/v1/.well-known/jwks.json`. */
  jwksUrl: string;
  /** Expected `iss` claim, e.g. `http://localhost:8000/identity/v1`. */
  issuer: string;
  /** Expected `aud` claim (one of the token's audiences), e.g. `archipelago`. */
  audience: string;
  /** Leeway in seconds for `exp`, `nbf` and `iat` checks (clock skew); default 5. */
  clockToleranceSec?: number;
  /**
   * Minimum milliseconds between two JWKS fetches caused by an unknown `kid`; default 30 000.
   * It stops forged `kid`s from turning into a request flood against identity; tests set 0.
   */
  jwksCooldownMs?: number;
  /** Milliseconds after which the cached JWKS is fetched again even if every `kid` is known; default 600 000. */
  jwksCacheMaxAgeMs?: number;
  /**
   * Longest accepted lifetime `exp - iat` in seconds, and longest age `now - iat`; default 960
   * (identity's 15-minute tokens plus a minute of skew, as the edge's `maximum_expiration`).
   */
  readonly maxTokenLifetimeSec?: number;
  /** Timeout of one JWKS fetch in milliseconds; default 5 000. */
  jwksTimeoutMs?: number;
  /**
   * Most accepted tokens remembered so that the next request with the same token skips the
   * signature check (`exp`/`nbf` are still checked); default 1 000 (about 1 KB each), 0 = off.
   */
  verifiedTokenCacheSize?: number;
  /**
   * Milliseconds an accepted token is remembered at most (never past its `exp`); default 60 000.
   * A key withdrawn from the JWKS stops being accepted within this time.
   */
  verifiedTokenMaxAgeMs?: number;
}

/** The auth part of a service configuration (see `authConfigSchema` in `@archipelago/platform-config`). */
export interface AuthEnvConfig {
  AUTH_JWKS_URL: string;
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
  AUTH_CLOCK_TOLERANCE_SEC?: number;
  AUTH_JWKS_COOLDOWN_MS?: number;
}

/** Maps the validated `AUTH_*` environment variables to {@link AuthOptions}. */
export function authOptionsFromConfig(config: AuthEnvConfig): AuthOptions {
  return {
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    ...(config.AUTH_CLOCK_TOLERANCE_SEC !== undefined && { clockToleranceSec: config.AUTH_CLOCK_TOLERANCE_SEC }),
    ...(config.AUTH_JWKS_COOLDOWN_MS !== undefined && { jwksCooldownMs: config.AUTH_JWKS_COOLDOWN_MS }),
  };
}
