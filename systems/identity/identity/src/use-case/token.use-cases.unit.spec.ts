import { beforeEach, describe, expect, it } from 'vitest';
import { loginDelaySeconds } from '../entity/token/login-throttle.js';
import {
  InvalidClientError,
  InvalidGrantError,
  InvalidScopeError,
  LoginThrottledError,
} from '../entity/token/token.errors.js';
import { userDecider } from '../entity/user/user.decider.js';
import type { UserEvent } from '../entity/user/user.events.js';
import { ClientCredentialsGrantCommand } from './client-credentials-grant/client-credentials-grant.command.js';
import { ClientCredentialsGrantUseCase } from './client-credentials-grant/client-credentials-grant.use-case.js';
import { PasswordGrantCommand } from './password-grant/password-grant.command.js';
import { PasswordGrantUseCase } from './password-grant/password-grant.use-case.js';
import type { AccessTokenSubject, AccessTokensPort } from './port/access-tokens.port.js';
import type { ClockPort, IdentitySettings } from './port/identity-settings.port.js';
import type { AttemptAdmission, LoginAttemptsPort, ThrottleKey } from './port/login-attempts.port.js';
import { HashingBusyError, type PasswordHasherPort } from './port/password-hasher.port.js';
import type {
  ConsumedRefreshToken,
  NewSession,
  SessionView,
  RefreshTokenGrant,
  RefreshTokenStorePort,
} from './port/refresh-token.store.port.js';
import type { UserCredentials, UserRepositoryPort } from './port/user.repository.port.js';
import { RefreshTokenGrantCommand } from './refresh-token-grant/refresh-token-grant.command.js';
import { RefreshTokenGrantUseCase } from './refresh-token-grant/refresh-token-grant.use-case.js';
import { FakeTotp, InMemoryTotpFactors } from '../../test/totp.fakes.js';

// In-memory fakes of the ports; the rules under test are the use cases'.
class FakeUsers implements UserRepositoryPort {
  readonly streams = new Map<string, UserEvent[]>();
  readonly credentials = new Map<string, UserCredentials>();
  async load(id: string) {
    const events = this.streams.get(id) ?? [];
    return { state: events.reduce(userDecider.evolve, userDecider.initialState()), version: events.length };
  }
  async save(): Promise<void> {
    throw new Error('not used');
  }
  async findCredentials(email: string) {
    return this.credentials.get(email);
  }
  async passwordHashOf(): Promise<string | undefined> {
    throw new Error('not used');
  }
  async setPasswordHash(): Promise<void> {
    throw new Error('not used');
  }
}
/** "Hash" = `h:<secret>`; counts verifications to check unknown accounts cost the same work. */
class FakeHasher implements PasswordHasherPort {
  verifications = 0;
  async hash(secret: string) {
    return `h:${secret}`;
  }
  async verify(secret: string, hash: string | undefined) {
    this.verifications++;
    return hash !== undefined && hash === `h:${secret}`;
  }
}
class FakeTokens implements AccessTokensPort {
  readonly issued: AccessTokenSubject[] = [];
  async issue(subject: AccessTokenSubject) {
    this.issued.push(subject);
    return { accessToken: `at-${this.issued.length}`, expiresIn: 900 };
  }
  async verify(): Promise<AccessTokenSubject> {
    throw new Error('not used');
  }
  publicJwks() {
    return { keys: [] };
  }
  async issueIdToken(): Promise<string> {
    throw new Error('not used');
  }
  async readIdTokenHint(): Promise<undefined> {
    throw new Error('not used');
  }
}
class FakeRefreshTokens implements RefreshTokenStorePort {
  readonly tokens = new Map<string, RefreshTokenGrant & { used: boolean }>();
  readonly sessions = new Map<string, NewSession>();
  readonly revoked = new Set<string>();
  async issue(token: string, grant: RefreshTokenGrant, _now: Date, session?: NewSession) {
    this.tokens.set(token, { ...grant, used: false });
    if (session) this.sessions.set(grant.familyId, session);
  }
  async consume(token: string): Promise<ConsumedRefreshToken | undefined> {
    const t = this.tokens.get(token);
    if (!t) return undefined;
    const status = t.used ? 'reused' : 'fresh';
    t.used = true;
    const { used: _used, ...grant } = t;
    const session = this.sessions.get(t.familyId)!;
    return {
      ...grant,
      status,
      familyRevoked: this.revoked.has(t.familyId),
      absoluteExpiresAt: session.absoluteExpiresAt,
      authTime: session.authTime,
      amr: session.amr,
    };
  }
  async revokeFamily(familyId: string) {
    this.revoked.add(familyId);
  }
  async revokeSubject(subject: string) {
    const families = [...this.tokens.values()].filter((t) => t.subject === subject).map((t) => t.familyId);
    for (const family of families) this.revoked.add(family);
    return new Set(families).size;
  }
  async revokeSession(): Promise<boolean> {
    throw new Error('not used');
  }
  async familyOf(): Promise<undefined> {
    throw new Error('not used');
  }
  async listSessions(): Promise<SessionView[]> {
    throw new Error('not used');
  }
  async inspect(): Promise<undefined> {
    throw new Error('not used');
  }
}
class FakeAttempts implements LoginAttemptsPort {
  readonly keys = new Map<string, { failures: number; last: number; blockedUntil: number }>();
  async begin(keys: readonly ThrottleKey[], now: Date, windowSeconds: number): Promise<AttemptAdmission> {
    const t = now.getTime();
    const rows = keys.map((k) => this.keys.get(k.key) ?? { failures: 0, last: t, blockedUntil: t });
    const wait = Math.max(0, ...rows.map((r) => r.blockedUntil - t));
    if (wait > 0) return { admitted: false, retryAfterSeconds: Math.ceil(wait / 1000) };
    keys.forEach((k, i) => {
      const failures = (t - rows[i]!.last > windowSeconds * 1000 ? 0 : rows[i]!.failures) + 1;
      this.keys.set(k.key, { failures, last: t, blockedUntil: t + loginDelaySeconds(failures, k.policy) * 1000 });
    });
    return { admitted: true };
  }
  async refund(keys: readonly string[]) {
    for (const k of keys) {
      const row = this.keys.get(k);
      if (row) row.failures = Math.max(0, row.failures - 1);
    }
  }
  async succeeded(accountKey: string, others: readonly string[]) {
    this.keys.delete(accountKey);
    for (const k of others) {
      const row = this.keys.get(k);
      if (row) row.failures = Math.max(0, row.failures - 1);
    }
  }
}

const settings: IdentitySettings = {
  issuer: 'http://issuer',
  refreshTokenTtlSeconds: 3600,
  refreshAbsoluteTtlSeconds: 5 * 3600,
  loginAccountThrottle: { freeFailures: 3, maxDelaySeconds: 30 },
  loginIpThrottle: { freeFailures: 10, maxDelaySeconds: 900 },
  loginWindowSeconds: 600,
  userScopes: ['openid', 'orders:read', 'a', 'b', 'c'],
  requireVerifiedEmail: false,
  emailVerificationTtlSeconds: 86400,
  passwordResetTtlSeconds: 1800,
  emailRequestThrottle: { freeFailures: 3, maxDelaySeconds: 3600 },
};
const userId = '7a1d3b0e-3c55-4c9e-9a43-0d1c2b3a4f5e';
let users: FakeUsers, hasher: FakeHasher, tokens: FakeTokens, refresh: FakeRefreshTokens, attempts: FakeAttempts;
let clock: ClockPort & { at: number };
let passwordGrant: PasswordGrantUseCase, refreshGrant: RefreshTokenGrantUseCase;

beforeEach(() => {
  users = new FakeUsers();
  users.streams.set(userId, [
    {
      type: 'UserRegistered',
      data: {
        userId,
        email: 'ann@example.com',
        displayName: 'Ann',
        roles: ['customer'],
        at: '2026-01-01T00:00:00.000Z',
      },
    },
  ]);
  users.credentials.set('ann@example.com', { userId, passwordHash: 'h:correct horse' });
  hasher = new FakeHasher();
  tokens = new FakeTokens();
  refresh = new FakeRefreshTokens();
  attempts = new FakeAttempts();
  clock = { at: Date.parse('2026-11-21T10:00:00.000Z'), now: () => new Date(clock.at) };
  passwordGrant = new PasswordGrantUseCase(
    users,
    hasher,
    attempts,
    tokens,
    refresh,
    settings,
    clock,
    new InMemoryTotpFactors(),
    new FakeTotp(),
  );
  refreshGrant = new RefreshTokenGrantUseCase(users, tokens, refresh, settings, clock);
});

const login = (username = 'ann@example.com', password = 'correct horse', scope?: string) =>
  passwordGrant.execute(new PasswordGrantCommand(username, password, scope));

describe('password grant', () => {
  it('issues an access token with the user claims and a refresh token; e-mail matched case-insensitively', async () => {
    const res = await login('  ANN@example.com', 'correct horse', 'orders:read');
    expect(res).toMatchObject({ accessToken: 'at-1', tokenType: 'Bearer', expiresIn: 900, scope: 'orders:read' });
    expect(res.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.issued[0]).toEqual({
      subject: userId,
      roles: ['customer'],
      email: 'ann@example.com',
      emailVerified: false,
      scope: 'orders:read',
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('refuses an unverified address only when the environment requires verification', async () => {
    const strict = new PasswordGrantUseCase(
      users,
      hasher,
      attempts,
      tokens,
      refresh,
      { ...settings, requireVerifiedEmail: true },
      clock,
      new InMemoryTotpFactors(),
      new FakeTotp(),
    );
    const refused = (await strict
      .execute(new PasswordGrantCommand('ann@example.com', 'correct horse'))
      .catch((e: Error) => e)) as Error;
    expect(refused).toBeInstanceOf(InvalidGrantError);
    expect(refused.message).toMatch(/not verified/);
    users.streams.get(userId)!.push({
      type: 'UserEmailVerified',
      data: { userId, email: 'ann@example.com', at: '2026-01-02T00:00:00.000Z' },
    });
    await expect(strict.execute(new PasswordGrantCommand('ann@example.com', 'correct horse'))).resolves.toMatchObject({
      tokenType: 'Bearer',
    });
    expect(tokens.issued.at(-1)).toMatchObject({ emailVerified: true });
  });

  it('answers a wrong password and an unknown e-mail alike, after the same hashing work', async () => {
    const wrong = (await login('ann@example.com', 'wrong').catch((e: Error) => e)) as Error;
    const unknown = (await login('nobody@example.com', 'wrong').catch((e: Error) => e)) as Error;
    expect(wrong).toBeInstanceOf(InvalidGrantError);
    expect(unknown).toBeInstanceOf(InvalidGrantError);
    expect(unknown.message).toBe(wrong.message);
    expect(hasher.verifications).toBe(2);
  });

  it('delays the account progressively after the free failures (no hashing while delayed), never locks it', async () => {
    for (let i = 0; i < settings.loginAccountThrottle.freeFailures; i++)
      await expect(login('ann@example.com', 'wrong')).rejects.toBeInstanceOf(InvalidGrantError);
    const verified = hasher.verifications;
    const delayed = await login().catch((e: Error) => e);
    expect(delayed).toBeInstanceOf(LoginThrottledError);
    expect((delayed as LoginThrottledError).retryAfterSeconds).toBe(1);
    expect(hasher.verifications).toBe(verified);
    clock.at += 1000;
    await expect(login('ann@example.com', 'wrong')).rejects.toBeInstanceOf(InvalidGrantError);
    expect(((await login().catch((e: Error) => e)) as LoginThrottledError).retryAfterSeconds).toBe(2);
    clock.at += 2000;
    await expect(login()).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('gives the counted failure back when the hashing queue is full (503), so a flood delays nobody', async () => {
    hasher.verify = async () => {
      throw new HashingBusyError(1);
    };
    for (let i = 0; i < 10; i++) await expect(login()).rejects.toBeInstanceOf(HashingBusyError);
    expect(attempts.keys.get('account:ann@example.com')?.failures ?? 0).toBe(0);
  });

  it('caps the delay', () => {
    const policy = { freeFailures: 5, maxDelaySeconds: 30 };
    expect([1, 4, 5, 6, 9, 10, 1000].map((n) => loginDelaySeconds(n, policy))).toEqual([0, 0, 1, 2, 16, 30, 30]);
  });

  it('forgets earlier failures after a successful login', async () => {
    for (let i = 0; i < settings.loginAccountThrottle.freeFailures - 1; i++)
      await login('ann@example.com', 'wrong').catch(() => undefined);
    await login();
    await login('ann@example.com', 'wrong').catch(() => undefined);
    await expect(login()).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('refuses a scope outside the users allow-list', async () => {
    await expect(login('ann@example.com', 'correct horse', 'openid root')).rejects.toBeInstanceOf(InvalidScopeError);
  });

  it('refuses a malformed scope', async () => {
    await expect(login('ann@example.com', 'correct horse', 'bad"scope')).rejects.toBeInstanceOf(InvalidScopeError);
  });
});

describe('refresh token grant', () => {
  it('ends a session at its absolute lifetime however often it is refreshed, and after its idle lifetime', async () => {
    let current = (await login()).refreshToken!;
    // Refresh every 50 minutes (idle lifetime 1 h): fine until the absolute 5 h are over.
    for (let elapsed = 50; elapsed < 300; elapsed += 50) {
      clock.at += 50 * 60_000;
      current = (await refreshGrant.execute(new RefreshTokenGrantCommand(current))).refreshToken!;
    }
    clock.at += 50 * 60_000;
    await expect(refreshGrant.execute(new RefreshTokenGrantCommand(current))).rejects.toBeInstanceOf(InvalidGrantError);

    const idle = (await login()).refreshToken!;
    clock.at += 3600_000 + 1;
    await expect(refreshGrant.execute(new RefreshTokenGrantCommand(idle))).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('rotates: the new token works, the old one is refused and revokes the whole family', async () => {
    const first = await login();
    const second = await refreshGrant.execute(new RefreshTokenGrantCommand(first.refreshToken!));
    expect(second.refreshToken).toBeDefined();
    expect(second.refreshToken).not.toBe(first.refreshToken);

    await expect(refreshGrant.execute(new RefreshTokenGrantCommand(first.refreshToken!))).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
    // The replay revoked the family: the legitimate newer token fails too.
    await expect(refreshGrant.execute(new RefreshTokenGrantCommand(second.refreshToken!))).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
    // Another login (another family) is unaffected.
    const other = await login();
    await expect(refreshGrant.execute(new RefreshTokenGrantCommand(other.refreshToken!))).resolves.toMatchObject({
      tokenType: 'Bearer',
    });
  });

  it('carries the user current roles into the refreshed access token', async () => {
    const first = await login();
    users.streams.get(userId)!.push({
      type: 'UserRolesChanged',
      data: { userId, roles: ['admin', 'customer'], at: '2026-11-21T10:01:00.000Z' },
    });
    await refreshGrant.execute(new RefreshTokenGrantCommand(first.refreshToken!));
    expect(tokens.issued.at(-1)?.roles).toEqual(['admin', 'customer']);
  });

  it('refuses an unknown and an expired refresh token', async () => {
    await expect(refreshGrant.execute(new RefreshTokenGrantCommand('never-issued'))).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
    const first = await login();
    clock.at += settings.refreshTokenTtlSeconds * 1000;
    await expect(refreshGrant.execute(new RefreshTokenGrantCommand(first.refreshToken!))).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
  });

  it('may narrow the scope but not widen it', async () => {
    const first = await login('ann@example.com', 'correct horse', 'a b');
    const narrowed = await refreshGrant.execute(new RefreshTokenGrantCommand(first.refreshToken!, 'a'));
    expect(narrowed.scope).toBe('a');
    const again = await login('ann@example.com', 'correct horse', 'a');
    await expect(refreshGrant.execute(new RefreshTokenGrantCommand(again.refreshToken!, 'a c'))).rejects.toBeInstanceOf(
      InvalidScopeError,
    );
  });
});

describe('client credentials grant', () => {
  it('issues a token with sub = client id and the client roles, no refresh token; a bad secret is invalid_client', async () => {
    const clients = {
      find: (id: string) =>
        id === 'load-tests'
          ? { id, secretHash: 'h:s3cret', roles: ['customer'], scopes: ['orders:read'], audiences: [] }
          : undefined,
    };
    const grant = new ClientCredentialsGrantUseCase(clients, hasher, tokens);
    const res = await grant.execute(new ClientCredentialsGrantCommand('load-tests', 's3cret'));
    expect(res.refreshToken).toBeUndefined();
    expect(tokens.issued.at(-1)).toEqual({ subject: 'load-tests', roles: ['customer'] });
    await expect(grant.execute(new ClientCredentialsGrantCommand('load-tests', 'nope'))).rejects.toBeInstanceOf(
      InvalidClientError,
    );
    await expect(grant.execute(new ClientCredentialsGrantCommand('ghost', 's3cret'))).rejects.toBeInstanceOf(
      InvalidClientError,
    );
    // Scopes: only those on the client's allow-list.
    await expect(
      grant.execute(new ClientCredentialsGrantCommand('load-tests', 's3cret', 'orders:read')),
    ).resolves.toMatchObject({ scope: 'orders:read' });
    await expect(
      grant.execute(new ClientCredentialsGrantCommand('load-tests', 's3cret', 'orders:read admin:all')),
    ).rejects.toBeInstanceOf(InvalidScopeError);
  });
});
