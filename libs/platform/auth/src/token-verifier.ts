import { createRemoteJWKSet, errors, jwtVerify, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import type { AuthOptions } from './auth-options.js';
import { AuthUnavailableError, InvalidTokenError } from './auth.errors.js';
import { callerFromClaims, type Caller } from './caller.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** The only signature algorithm accepted: identity signs with ES256 (so `none` and HS* never pass). */
export const ACCEPTED_ALGORITHMS = ['ES256'] as const;

/**
 * Verifies Archipelago access tokens (RFC 7519 JWTs, RFC 7515 signatures) against the issuer's
 * JWKS (RFC 7517): signature by a published key chosen by `kid`, algorithm ES256 only, `iss`,
 * `aud`, `exp` (and `nbf`/`iat` when present) with a small clock tolerance, `sub` required.
 *
 * The JWKS is fetched on first use and cached; a token whose `kid` is not in the cache makes it
 * fetch again (at most once per `jwksCooldownMs`), so key rotation at the issuer needs no restart.
 *
 * Tokens already accepted are kept in a bounded {@link VerifiedTokenCache} (clients send the same
 * token with every request until it expires): a hit skips the ES256 signature check but still
 * checks `exp` and `nbf` against the clock. Sizes: `verifiedTokenCacheSize`, `verifiedTokenMaxAgeMs`.
 */
export class TokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly verified: VerifiedTokenCache<VerifiedToken>;

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
    if (hit !== undefined) {
      // What jose checks against the clock (jwt_claims_set.js), again on every use.
      const nowSec = Math.floor(this.now() / 1000);
      const tolerance = this.options.clockToleranceSec ?? 5;
      if (hit.exp <= nowSec - tolerance) throw new InvalidTokenError('expired', 'The access token expired.');
      if (hit.nbf !== undefined && hit.nbf > nowSec + tolerance)
        throw new InvalidTokenError('not-yet-valid', 'The access token is not valid yet.');
      return hit.caller;
    }
    const verified = await this.verifyUncached(token);
    this.verified.set(token, verified, verified.exp);
    return verified.caller;
  }

  private async verifyUncached(token: string): Promise<VerifiedToken> {
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
        currentDate: new Date(this.now()),
      });
      const caller = callerFromClaims(payload);
      Object.freeze(caller.roles);
      Object.freeze(caller.scopes);
      return {
        // One object serves every request with this token while it is cached.
        caller: Object.freeze(caller),
        // requiredClaims made jose check that exp is there and a number.
        exp: payload.exp!,
        nbf: typeof payload.nbf === 'number' ? payload.nbf : undefined,
      };
    } catch (error) {
      if (error instanceof AuthUnavailableError || error instanceof InvalidTokenError) throw error;
      throw toInvalidToken(error);
    }
  }
}

/** What the cache keeps of an accepted token: the caller and the time claims checked on each hit. */
interface VerifiedToken {
  readonly caller: Caller;
  /** NumericDate seconds. */
  readonly exp: number;
  readonly nbf: number | undefined;
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
