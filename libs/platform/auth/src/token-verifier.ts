import { createRemoteJWKSet, errors, jwtVerify, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import type { AuthOptions } from './auth-options.js';
import { AuthUnavailableError, InvalidTokenError } from './auth.errors.js';
import { callerFromClaims, type Caller } from './caller.js';
import { VerifiedTokenCache } from '@archipelago/util-token-cache';

/** The only signature algorithm accepted: identity signs with ES256 (so `none` and HS* never pass). */
export const ACCEPTED_ALGORITHMS = ['ES256'] as const;

/**
 * Verifies Archipelago access tokens (RFC 7519 JWTs, RFC 7515 signatures) against the issuer's
 * JWKS (RFC 7517): signature by a published key chosen by `kid`, algorithm ES256 only, `iss`,
 * `aud`, `exp`, `iat` (required, not in the future) and `nbf` with a small clock tolerance, `sub`
 * required, and a lifetime `exp - iat` (and age `now - iat`) of at most `maxTokenLifetimeSec`
 * (default 960 s): a token minted with a year of validity, or dated in the future, is refused.
 *
 * The JWKS is fetched on first use and cached; a token whose `kid` is not in the cache makes it
 * fetch again (at most once per `jwksCooldownMs`), so key rotation at the issuer needs no restart.
 *
 * Tokens already accepted are kept in a bounded {@link VerifiedTokenCache} (clients send the same
 * token with every request until it expires): a hit skips the ES256 signature check. An entry
 * never outlives the token's `exp`; a token accepted within `clockToleranceSec` of its `nbf` only
 * becomes more valid. Sizes: `verifiedTokenCacheSize`, `verifiedTokenMaxAgeMs`.
 */
export class TokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly verified: VerifiedTokenCache<Caller>;
  private readonly maxLifetimeSec: number;

  /** @param now clock in ms since the epoch (default Date.now), for `exp`/`nbf` and the cache. */
  constructor(
    private readonly options: AuthOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
      timeoutDuration: options.jwksTimeoutMs ?? 5_000,
    });
    this.maxLifetimeSec = options.maxTokenLifetimeSec ?? 960;
    this.verified = new VerifiedTokenCache({
      maxEntries: options.verifiedTokenCacheSize ?? 1000,
      maxAgeMs: options.verifiedTokenMaxAgeMs ?? 60_000,
      now,
    });
  }

  /**
   * @returns the caller the token was issued to.
   * @throws {InvalidTokenError} for any token that is not acceptable (RFC 6750 `invalid_token`).
   * @throws {AuthUnavailableError} when the JWKS cannot be fetched.
   */
  async verify(token: string): Promise<Caller> {
    const hit = this.verified.get(token);
    if (hit !== undefined) return hit;
    const { caller, exp } = await this.verifyUncached(token);
    this.verified.set(token, caller, exp);
    return caller;
  }

  private async verifyUncached(token: string): Promise<{ caller: Caller; exp: number }> {
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
        requiredClaims: ['sub', 'exp', 'iat'],
        maxTokenAge: this.maxLifetimeSec,
        currentDate: new Date(this.now()),
      });
      if (payload.exp! - payload.iat! > this.maxLifetimeSec)
        throw new InvalidTokenError('lifetime', 'The access token lives longer than this service accepts.');
      const caller = callerFromClaims(payload);
      Object.freeze(caller.roles);
      Object.freeze(caller.scopes);
      // One object serves every request with this token while it is cached; requiredClaims made
      // jose check that exp is there and a number.
      return { caller: Object.freeze(caller), exp: payload.exp! };
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
    if ((error.claim === 'nbf' || error.claim === 'iat') && error.reason !== 'missing')
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
