import type { ActiveUser } from '../entity/user/user.state.js';
import type { AccessTokensPort } from './port/access-tokens.port.js';
import type { IdentitySettings } from './port/identity-settings.port.js';
import type { NewSession, RefreshTokenStorePort } from './port/refresh-token.store.port.js';

/** The successful token response (RFC 6749 §5.1), in camelCase; the handler writes snake_case. */
export interface TokenResponse {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Access token lifetime in seconds. */
  readonly expiresIn: number;
  readonly refreshToken?: string;
  readonly scope?: string;
  /** OpenID Connect ID token (authorization code grant with scope `openid`). */
  readonly idToken?: string;
}

/**
 * A new opaque refresh token: 256 random bits, base64url (43 characters). It carries no meaning;
 * the store keeps only its SHA-256.
 */
export function newRefreshToken(): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

/** A session to issue tokens in: an existing family, or a new one with what the login fixed. */
export type SessionToIssue =
  | { readonly familyId: string; readonly absoluteExpiresAt: string }
  | { readonly familyId?: undefined; readonly login: Omit<NewSession, 'absoluteExpiresAt'> };

/**
 * Issues an access token (with `sid` = the session) and the next refresh token of `session`:
 * a new family lives at most `refreshAbsoluteTtlSeconds`; each refresh token expires after the idle
 * lifetime `refreshTokenTtlSeconds`, never past the family's absolute expiry.
 */
export async function issueUserTokens(
  deps: { tokens: AccessTokensPort; refreshTokens: RefreshTokenStorePort; settings: IdentitySettings },
  user: ActiveUser,
  scope: string | undefined,
  session: SessionToIssue,
  now: Date,
): Promise<TokenResponse & { sessionId: string }> {
  const familyId = session.familyId ?? globalThis.crypto.randomUUID();
  const absoluteExpiresAt =
    session.familyId === undefined
      ? new Date(now.getTime() + deps.settings.refreshAbsoluteTtlSeconds * 1000).toISOString()
      : session.absoluteExpiresAt;
  const idleEnd = now.getTime() + deps.settings.refreshTokenTtlSeconds * 1000;
  const expiresAt = new Date(Math.min(idleEnd, Date.parse(absoluteExpiresAt))).toISOString();
  const access = await deps.tokens.issue({
    subject: user.id,
    roles: user.roles,
    email: user.email,
    emailVerified: user.emailVerified,
    scope,
    sessionId: familyId,
  });
  const refreshToken = newRefreshToken();
  await deps.refreshTokens.issue(
    refreshToken,
    { familyId, subject: user.id, scope, expiresAt },
    now,
    session.familyId === undefined ? { ...session.login, absoluteExpiresAt } : undefined,
  );
  return {
    accessToken: access.accessToken,
    tokenType: 'Bearer',
    expiresIn: access.expiresIn,
    refreshToken,
    ...(scope && { scope }),
    sessionId: familyId,
  };
}
