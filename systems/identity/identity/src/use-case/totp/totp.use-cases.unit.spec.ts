import { beforeEach, describe, expect, it } from 'vitest';
import { FakeTotp, InMemoryTotpFactors } from '../../../test/totp.fakes.js';
import {
  InvalidOneTimeCodeError,
  parseSecondFactor,
  TotpAlreadyEnabledError,
  TotpNotEnrolledError,
} from '../../entity/second-factor/second-factor.js';
import { loginDelaySeconds } from '../../entity/token/login-throttle.js';
import { InvalidGrantError, LoginThrottledError, SecondFactorRequiredError } from '../../entity/token/token.errors.js';
import { userDecider } from '../../entity/user/user.decider.js';
import type { Role } from '../../entity/user/roles.js';
import type { UserEvent } from '../../entity/user/user.events.js';
import { WrongCurrentPasswordError } from '../change-password/change-password.use-case.js';
import { PasswordGrantCommand } from '../password-grant/password-grant.command.js';
import { PasswordGrantUseCase } from '../password-grant/password-grant.use-case.js';
import type { AccessTokenSubject, AccessTokensPort } from '../port/access-tokens.port.js';
import type { ClockPort, IdentitySettings } from '../port/identity-settings.port.js';
import type { AttemptAdmission, LoginAttemptsPort, ThrottleKey } from '../port/login-attempts.port.js';
import type { PasswordHasherPort } from '../port/password-hasher.port.js';
import type { NewSession, RefreshTokenStorePort } from '../port/refresh-token.store.port.js';
import type { UserReadModelPort } from '../port/user.read-model.port.js';
import type { UserCredentials, UserRepositoryPort } from '../port/user.repository.port.js';
import { BeginTotpEnrolmentCommand, ConfirmTotpEnrolmentCommand, DisableTotpCommand } from './totp.messages.js';
import { BeginTotpEnrolmentUseCase, ConfirmTotpEnrolmentUseCase, DisableTotpUseCase } from './totp.use-cases.js';

// In-memory fakes of the ports; the rules under test are the use cases'.
class FakeUsers implements UserRepositoryPort {
  readonly streams = new Map<string, UserEvent[]>();
  readonly credentials = new Map<string, UserCredentials>();
  async load(id: string) {
    const events = this.streams.get(id) ?? [];
    return { state: events.reduce(userDecider.evolve, userDecider.initialState()), version: events.length };
  }
  async save(userId: string, events: readonly UserEvent[]) {
    this.streams.set(userId, [...(this.streams.get(userId) ?? []), ...events]);
  }
  async findCredentials(email: string) {
    return this.credentials.get(email);
  }
  async passwordHashOf(userId: string) {
    return [...this.credentials.values()].find((c) => c.userId === userId)?.passwordHash;
  }
  async setPasswordHash(): Promise<void> {
    throw new Error('not used');
  }
}
class FakeHasher implements PasswordHasherPort {
  async hash(secret: string) {
    return `h:${secret}`;
  }
  async verify(secret: string, hash: string | undefined) {
    return hash === `h:${secret}`;
  }
}
class FakeAttempts implements LoginAttemptsPort {
  readonly keys = new Map<string, { failures: number; blockedUntil: number }>();
  async begin(keys: readonly ThrottleKey[], now: Date): Promise<AttemptAdmission> {
    const t = now.getTime();
    const rows = keys.map((k) => this.keys.get(k.key) ?? { failures: 0, blockedUntil: t });
    const wait = Math.max(0, ...rows.map((r) => r.blockedUntil - t));
    if (wait > 0) return { admitted: false, retryAfterSeconds: Math.ceil(wait / 1000) };
    keys.forEach((k, i) => {
      const failures = rows[i]!.failures + 1;
      this.keys.set(k.key, { failures, blockedUntil: t + loginDelaySeconds(failures, k.policy) * 1000 });
    });
    return { admitted: true };
  }
  async refund() {}
  async succeeded(accountKey: string) {
    this.keys.delete(accountKey);
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
class FakeRefreshTokens {
  readonly sessions: NewSession[] = [];
  async issue(_token: string, _grant: unknown, _now: Date, session?: NewSession) {
    if (session) this.sessions.push(session);
  }
}
const readModel = { refresh: () => undefined } as unknown as UserReadModelPort;

const settings: IdentitySettings = {
  issuer: 'http://issuer',
  refreshTokenTtlSeconds: 3600,
  refreshAbsoluteTtlSeconds: 5 * 3600,
  loginAccountThrottle: { freeFailures: 3, maxDelaySeconds: 30 },
  loginIpThrottle: { freeFailures: 10, maxDelaySeconds: 900 },
  loginWindowSeconds: 600,
  userScopes: ['openid'],
  requireVerifiedEmail: false,
  emailVerificationTtlSeconds: 86400,
  passwordResetTtlSeconds: 1800,
  emailRequestThrottle: { freeFailures: 3, maxDelaySeconds: 3600 },
  mfaRequiredRoles: ['admin'],
};
const userId = '7a1d3b0e-3c55-4c9e-9a43-0d1c2b3a4f5e';
const ctx = {};
let users: FakeUsers, factors: InMemoryTotpFactors, totp: FakeTotp, attempts: FakeAttempts, tokens: FakeTokens;
let refresh: FakeRefreshTokens;
let clock: ClockPort & { at: number };
let begin: BeginTotpEnrolmentUseCase, confirm: ConfirmTotpEnrolmentUseCase, disable: DisableTotpUseCase;
let passwordGrant: PasswordGrantUseCase;

const register = (id: string, email: string, roles: Role[]) => {
  users.streams.set(id, [
    { type: 'UserRegistered', data: { userId: id, email, displayName: 'Ann', roles, at: '2026-01-01T00:00:00.000Z' } },
  ]);
  users.credentials.set(email, { userId: id, passwordHash: 'h:correct horse' });
};
const step = () => Math.floor(clock.at / 30_000);
const codeAt = (s: number, secret = factors.factors.get(userId)!.secret) => FakeTotp.codeAt(secret, s);
const later = (seconds: number) => (clock.at += seconds * 1000);
const enrol = async (): Promise<string[]> => {
  await begin.execute(new BeginTotpEnrolmentCommand(userId, 'correct horse'));
  return confirm.execute(new ConfirmTotpEnrolmentCommand(userId, codeAt(step()), ctx));
};
const login = (otp?: string, username = 'ann@example.com') =>
  passwordGrant.execute(new PasswordGrantCommand(username, 'correct horse', undefined, '10.0.0.1', otp));

beforeEach(() => {
  users = new FakeUsers();
  register(userId, 'ann@example.com', ['customer']);
  factors = new InMemoryTotpFactors();
  totp = new FakeTotp();
  attempts = new FakeAttempts();
  tokens = new FakeTokens();
  refresh = new FakeRefreshTokens();
  clock = { at: Date.parse('2026-11-21T10:00:10.000Z'), now: () => new Date(clock.at) };
  const hasher = new FakeHasher();
  begin = new BeginTotpEnrolmentUseCase(users, factors, totp, hasher, attempts, settings, clock);
  confirm = new ConfirmTotpEnrolmentUseCase(users, readModel, factors, totp, attempts, settings, clock);
  disable = new DisableTotpUseCase(users, readModel, factors, totp, hasher, attempts, settings, clock);
  passwordGrant = new PasswordGrantUseCase(
    users,
    hasher,
    attempts,
    tokens,
    refresh as unknown as RefreshTokenStorePort,
    settings,
    clock,
    factors,
    totp,
  );
});

describe('TOTP enrolment', () => {
  it('starts pending with a key URI naming the account and a QR code; sign-in is unchanged until confirmed', async () => {
    const enrolment = await begin.execute(new BeginTotpEnrolmentCommand(userId, 'correct horse'));
    expect(enrolment.otpauthUri).toContain('ann%40example.com');
    expect(enrolment.otpauthUri).toContain(`secret=${enrolment.secret}`);
    expect(enrolment.qrCodeSvg).toContain('<svg');
    expect(factors.factors.get(userId)?.status).toBe('pending');
    await expect(login()).resolves.toMatchObject({ accessToken: 'at-1' });
    expect(refresh.sessions[0]?.amr).toEqual(['pwd']);
  });

  it('confirms with the current code: 10 distinct recovery codes, TotpEnabled recorded', async () => {
    const codes = await enrol();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(parseSecondFactor(code).kind).toBe('recovery');
    expect(factors.factors.get(userId)?.status).toBe('active');
    expect(users.streams.get(userId)?.map((e) => e.type)).toEqual(['UserRegistered', 'TotpEnabled']);
  });

  it('refuses a wrong code, an already enabled factor and a confirmation without enrolment', async () => {
    await expect(confirm.execute(new ConfirmTotpEnrolmentCommand(userId, '000000', ctx))).rejects.toBeInstanceOf(
      TotpNotEnrolledError,
    );
    await begin.execute(new BeginTotpEnrolmentCommand(userId, 'correct horse'));
    await expect(
      confirm.execute(new ConfirmTotpEnrolmentCommand(userId, codeAt(step() + 2), ctx)),
    ).rejects.toBeInstanceOf(InvalidOneTimeCodeError);
    await confirm.execute(new ConfirmTotpEnrolmentCommand(userId, codeAt(step()), ctx));
    await expect(begin.execute(new BeginTotpEnrolmentCommand(userId, 'correct horse'))).rejects.toBeInstanceOf(
      TotpAlreadyEnabledError,
    );
  });

  it('asks for the current password again before enrolling (a bearer token alone is not enough), throttled', async () => {
    await expect(
      begin.execute(new BeginTotpEnrolmentCommand(userId, 'wrong horse', '10.0.0.9')),
    ).rejects.toBeInstanceOf(WrongCurrentPasswordError);
    expect(factors.factors.get(userId)).toBeUndefined();
    for (let i = 0; i < 2; i++)
      await expect(begin.execute(new BeginTotpEnrolmentCommand(userId, 'wrong horse'))).rejects.toBeInstanceOf(
        WrongCurrentPasswordError,
      );
    await expect(begin.execute(new BeginTotpEnrolmentCommand(userId, 'correct horse'))).rejects.toBeInstanceOf(
      LoginThrottledError,
    );
    later(60);
    await expect(begin.execute(new BeginTotpEnrolmentCommand(userId, 'correct horse'))).resolves.toMatchObject({
      secret: expect.any(String),
    });
    expect(factors.factors.get(userId)?.status).toBe('pending');
  });

  it('throttles wrong confirmation codes per user', async () => {
    await begin.execute(new BeginTotpEnrolmentCommand(userId, 'correct horse'));
    for (let i = 0; i < 3; i++)
      await expect(confirm.execute(new ConfirmTotpEnrolmentCommand(userId, 'xxxxxx', ctx))).rejects.toBeInstanceOf(
        InvalidOneTimeCodeError,
      );
    await expect(confirm.execute(new ConfirmTotpEnrolmentCommand(userId, codeAt(step()), ctx))).rejects.toBeInstanceOf(
      LoginThrottledError,
    );
  });
});

describe('password grant with TOTP', () => {
  it('asks for the second factor (mfa_required) and issues amr pwd+otp with a code of the ±1 window', async () => {
    await enrol();
    await expect(login()).rejects.toBeInstanceOf(SecondFactorRequiredError);
    later(30);
    await expect(login(codeAt(step() - 1))).rejects.toBeInstanceOf(InvalidGrantError); // the enrolment's step: used
    await expect(login(codeAt(step() + 1))).resolves.toMatchObject({ tokenType: 'Bearer' });
    expect(refresh.sessions.at(-1)?.amr).toEqual(['pwd', 'otp']);
  });

  it('refuses a replayed code and an older code after a newer one, and codes outside the window', async () => {
    await enrol();
    later(60);
    await expect(login(codeAt(step()))).resolves.toBeDefined();
    await expect(login(codeAt(step()))).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(login(codeAt(step() - 1))).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(login(codeAt(step() + 2))).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('accepts each recovery code once, with or without dashes and in any case', async () => {
    const [first, second] = await enrol();
    await expect(login(first!.toUpperCase())).resolves.toBeDefined();
    await expect(login(first)).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(login(second!.replace(/-/g, ''))).resolves.toBeDefined();
    expect(await factors.recoveryCodesLeft(userId)).toBe(8);
  });

  it('throttles wrong codes: after the free failures even the right code waits', async () => {
    await enrol();
    later(30);
    for (let i = 0; i < 3; i++) await expect(login('999999')).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(login(codeAt(step()))).rejects.toBeInstanceOf(LoginThrottledError);
  });

  it('refuses a user whose role requires a second factor until one is enrolled', async () => {
    const adminId = '0b5c1f5e-8a8e-4a8b-9a43-0d1c2b3a4f5e';
    register(adminId, 'root@example.com', ['admin']);
    const refused = await login(undefined, 'root@example.com').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SecondFactorRequiredError);
    expect((refused as Error).message).toContain('authorize');
  });
});

describe('removing TOTP', () => {
  it('needs the current password or a one-time code, then sign-in needs the password only', async () => {
    const [recovery] = await enrol();
    await expect(disable.execute(new DisableTotpCommand(userId, { password: 'wrong' }, ctx))).rejects.toBeInstanceOf(
      WrongCurrentPasswordError,
    );
    await expect(disable.execute(new DisableTotpCommand(userId, { code: '12345678' }, ctx))).rejects.toBeInstanceOf(
      InvalidOneTimeCodeError,
    );
    await disable.execute(new DisableTotpCommand(userId, { code: recovery! }, ctx));
    expect(factors.factors.has(userId)).toBe(false);
    expect(users.streams.get(userId)?.map((e) => e.type)).toEqual(['UserRegistered', 'TotpEnabled', 'TotpDisabled']);
    await expect(login()).resolves.toBeDefined();
    await expect(
      disable.execute(new DisableTotpCommand(userId, { password: 'correct horse' }, ctx)),
    ).rejects.toBeInstanceOf(TotpNotEnrolledError);
  });

  it('removes with the current password', async () => {
    await enrol();
    await disable.execute(new DisableTotpCommand(userId, { password: 'correct horse' }, ctx));
    expect(factors.factors.has(userId)).toBe(false);
  });
});
