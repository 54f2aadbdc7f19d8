import { createRemoteJWKSet, errors, jwtVerify, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import type { AuthOptions } from './auth-options.js';
import { AuthUnavailableError, InvalidTokenError } from './auth.errors.js';
import { callerFromClaims, type Caller } from './caller.js';

/** The only signature algorithm accepted: identity signs with ES256 (so `none` and HS* never pass). */
export const ACCEPTED_ALGORITHMS = ['ES256'] as const;

/**
 * Verifies Archipelago access tokens (RFC 7519 JWTs, RFC 7515 signatures) against the issuer's
 * JWKS (RFC 7517): signature by a published key chosen by `kid`, algorithm ES256 only, `iss`,
 * `aud`, `exp` (and `nbf`/`iat` when present) with a small clock tolerance, `sub` required.
 *
 * The JWKS is fetched on first use and cached; a token whose `kid` is not in the cache makes it
 * fetch again (at most once per `jwksCooldownMs`), so key rotation at the issuer needs no restart.
 */
export class TokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly options: AuthOptions) {
    this.jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
      timeoutDuration: options.jwksTimeoutMs ?? 5_000,
    });
  }

  /**
   * @returns the caller the token was issued to.
   * @throws {InvalidTokenError} for any token that is not acceptable (RFC 6750 `invalid_token`).
   * @throws {AuthUnavailableError} when the JWKS cannot be fetched.
   */
  async verify(token: string): Promise<Caller> {
    const key = async (header: JWSHeaderParameters, input: FlattenedJWSInput) => {
      try {
        return await this.jwks(header, input);
      } catch (error) {
        throw isKeyFetchFailure(error) ? new AuthUnavailableError({ cause: error }) : error;
      }
    };
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [...ACCEPTED_ALGORITHMS],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSec ?? 5,
        requiredClaims: ['sub', 'exp'],
      });
      return callerFromClaims(payload);
    } catch (error) {
      if (error instanceof AuthUnavailableError || error instanceof InvalidTokenError) throw error;
      throw toInvalidToken(error);
    }
  }
}

// Failures of the JWKS endpoint itself (network, timeout, non-200, not a key set), as opposed to a
// token naming a key the set does not hold.
function isKeyFetchFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return false;
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  return !(error instanceof errors.JOSEError) || error.code === 'ERR_JOSE_GENERIC';
}

function toInvalidToken(error: unknown): InvalidTokenError {
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('expired', 'The access token expired.');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return new InvalidTokenError('issuer', 'The access token was issued by another issuer.');
    if (error.claim === 'aud')
      return new InvalidTokenError('audience', 'The access token is meant for another audience.');
    if (error.claim === 'nbf' || error.claim === 'iat')
      return new InvalidTokenError('not-yet-valid', 'The access token is not valid yet.');
    return new InvalidTokenError('malformed', `The access token's ${error.claim} claim is missing or invalid.`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return new InvalidTokenError('algorithm', 'The access token is not signed with an accepted algorithm.');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new InvalidTokenError('signature', 'The access token signature is invalid.');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return new InvalidTokenError('unknown-key', 'The access token is signed by an unknown key.');
  return new InvalidTokenError('malformed', 'The access token is malformed.');
}
