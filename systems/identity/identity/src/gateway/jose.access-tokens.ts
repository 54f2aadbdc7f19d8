import { createLocalJWKSet, decodeJwt, jwtVerify, SignJWT } from 'jose';
import {
  type AccessTokenSubject,
  type AccessTokensPort,
  type IdTokenClaims,
  type IdTokenHint,
  InvalidAccessTokenError,
  type PublicJwks,
  type SignedAccessToken,
} from '../use-case/port/access-tokens.port.js';
import { SIGNING_ALG, type SigningKeyRing } from './signing-keys.js';

/** Issuer, audience and lifetime of access tokens. */
export interface AccessTokenOptions {
  /** `iss` (IDENTITY_ISSUER). */
  readonly issuer: string;
  /** `aud` (`archipelago`). */
  readonly audience: string;
  /** Lifetime in seconds, at most 900 (15 min). */
  readonly ttlSeconds: number;
  /** Lifetime of a token carrying the `admin` role, at most 300 (5 min); default 300. */
  readonly adminTtlSeconds?: number;
}

/** Longest lifetime of an access token that carries the `admin` role (5 min). */
export const MAX_ADMIN_TTL_SECONDS = 300;

/**
 * JWT access tokens (RFC 7519; profile close to RFC 9068: header `typ: at+jwt`) signed ES256
 * with the ring's current key and its `kid`. Claims: `iss`, `sub`, `aud`, `iat`, `exp`, `jti`,
 * `roles`, `email` and `email_verified` (users), `scope` (when granted), `sid` (the session of a user token). A token with the `admin` role lives at most
 * 5 minutes (`adminTtlSeconds`), others `ttlSeconds`. Verification accepts the current and the
 * previous key, ES256 only (no `none`, no HMAC confusion).
 */
export class JoseAccessTokens implements AccessTokensPort {
  private readonly jwks: PublicJwks;
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;
  private readonly adminTtlSeconds: number;

  constructor(
    private readonly ring: SigningKeyRing,
    private readonly options: AccessTokenOptions,
  ) {
    if (!(options.ttlSeconds > 0 && options.ttlSeconds <= 900))
      throw new Error('access token lifetime must be 1–900 seconds');
    const adminTtl = options.adminTtlSeconds ?? MAX_ADMIN_TTL_SECONDS;
    if (!(adminTtl > 0 && adminTtl <= MAX_ADMIN_TTL_SECONDS))
      throw new Error(`admin access token lifetime must be 1–${MAX_ADMIN_TTL_SECONDS} seconds`);
    this.adminTtlSeconds = Math.min(adminTtl, options.ttlSeconds);
    this.jwks = { keys: [ring.current.publicJwk, ...(ring.previous ? [ring.previous.publicJwk] : [])] };
    this.keySet = createLocalJWKSet({ keys: this.jwks.keys.map((k) => ({ ...k })) });
  }

  async issue({
    subject,
    roles,
    email,
    emailVerified,
    scope,
    sessionId,
    audience,
  }: AccessTokenSubject): Promise<SignedAccessToken> {
    const ttl = roles.includes('admin') ? this.adminTtlSeconds : this.options.ttlSeconds;
    const claims = {
      roles: [...roles],
      ...(email && { email }),
      ...(emailVerified !== undefined && { email_verified: emailVerified }),
      ...(scope && { scope }),
      ...(sessionId && { sid: sessionId }),
    };
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALG, kid: this.ring.current.kid, typ: 'at+jwt' })
      .setIssuer(this.options.issuer)
      .setSubject(subject)
      .setAudience(audience ?? this.options.audience)
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .setJti(globalThis.crypto.randomUUID())
      .sign(this.ring.current.privateKey);
    return { accessToken, expiresIn: ttl };
  }

  async verify(token: string, audience?: string): Promise<AccessTokenSubject> {
    try {
      const { payload } = await jwtVerify(token, this.keySet, {
        issuer: this.options.issuer,
        audience: audience ?? this.options.audience,
        algorithms: [SIGNING_ALG],
        requiredClaims: ['sub', 'exp', 'iat'],
        // Not dated in the future, not older than our longest lifetime (plus skew).
        maxTokenAge: this.options.ttlSeconds + 60,
        clockTolerance: 5,
      });
      if (payload.exp! - payload.iat! > this.options.ttlSeconds + 60) throw new InvalidAccessTokenError();
      const roles = Array.isArray(payload['roles'])
        ? payload['roles'].filter((r): r is string => typeof r === 'string')
        : [];
      const email = typeof payload['email'] === 'string' ? payload['email'] : undefined;
      const scope = typeof payload['scope'] === 'string' ? payload['scope'] : undefined;
      const emailVerified = typeof payload['email_verified'] === 'boolean' ? payload['email_verified'] : undefined;
      const sid = typeof payload['sid'] === 'string' ? payload['sid'] : undefined;
      return {
        subject: payload.sub!,
        roles,
        ...(email && { email }),
        ...(emailVerified !== undefined && { emailVerified }),
        ...(scope && { scope }),
        ...(sid && { sessionId: sid }),
      };
    } catch {
      throw new InvalidAccessTokenError();
    }
  }

  async issueIdToken(claims: IdTokenClaims): Promise<string> {
    return new SignJWT({
      auth_time: Math.floor(Date.parse(claims.authTime) / 1000),
      amr: [...claims.amr],
      sid: claims.sessionId,
      ...(claims.nonce !== undefined && { nonce: claims.nonce }),
      ...(claims.email !== undefined && { email: claims.email }),
      ...(claims.emailVerified !== undefined && { email_verified: claims.emailVerified }),
      ...(claims.name !== undefined && { name: claims.name }),
    })
      .setProtectedHeader({ alg: SIGNING_ALG, kid: this.ring.current.kid, typ: 'JWT' })
      .setIssuer(this.options.issuer)
      .setSubject(claims.subject)
      .setAudience(claims.clientId)
      .setIssuedAt()
      .setExpirationTime(`${this.options.ttlSeconds}s`)
      .sign(this.ring.current.privateKey);
  }

  async readIdTokenHint(token: string): Promise<IdTokenHint | undefined> {
    try {
      // An expired hint is fine (OpenID Connect RP-Initiated Logout §2): compare against a date in its lifetime.
      const { payload } = await jwtVerify(token, this.keySet, {
        issuer: this.options.issuer,
        algorithms: [SIGNING_ALG],
        typ: 'JWT',
        requiredClaims: ['sub', 'aud', 'iat'],
        currentDate: new Date((decodeJwt(token).iat ?? 0) * 1000),
      });
      const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
      if (!aud) return undefined;
      const sid = typeof payload['sid'] === 'string' ? payload['sid'] : undefined;
      return { subject: payload.sub!, clientId: aud, ...(sid && { sessionId: sid }) };
    } catch {
      return undefined;
    }
  }

  publicJwks(): PublicJwks {
    return this.jwks;
  }
}
