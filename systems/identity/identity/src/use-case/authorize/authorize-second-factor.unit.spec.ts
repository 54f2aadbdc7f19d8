import { beforeEach, describe, expect, it } from 'vitest';
import { FakeTotp, InMemoryTotpFactors } from '../../../test/totp.fakes.js';
import { loginDelaySeconds } from '../../entity/token/login-throttle.js';
import type { Role } from '../../entity/user/roles.js';
import { userDecider } from '../../entity/user/user.decider.js';
import type { UserEvent } from '../../entity/user/user.events.js';
import type {
  AuthorizationCodesPort,
  AuthorizationRequest,
  CodeGrant,
  StoredAuthorizationRequest,
} from '../port/authorization-codes.port.js';
import type { EmailOtpOwner, EmailOtpsPort } from '../port/email-otps.port.js';
import type { ClockPort, IdentitySettings } from '../port/identity-settings.port.js';
import type { AttemptAdmission, LoginAttemptsPort, ThrottleKey } from '../port/login-attempts.port.js';
import type { PasswordHasherPort } from '../port/password-hasher.port.js';
import type { UserReadModelPort } from '../port/user.read-model.port.js';
import type { UserCredentials, UserRepositoryPort } from '../port/user.repository.port.js';
import { type AuthorizationCompletion, CompleteAuthorizationCommand } from './authorize.messages.js';
import { CompleteAuthorizationUseCase } from './authorize.use-cases.js';

// The sign-in page's second-factor steps, with in-memory fakes of every port.
class FakeEmailOtps implements EmailOtpsPort {
  readonly sent: { userId: string; email: string; code: string; expiresAt: number; used: boolean }[] = [];
  async issue(owner: EmailOtpOwner, now: Date, ttlSeconds: number) {
    for (const old of this.sent) if (old.userId === owner.userId) old.used = true; // superseded
    const code = String(10_000_000 + this.sent.length);
    this.sent.push({ ...owner, code, expiresAt: now.getTime() + ttlSeconds * 1000, used: false });
    return { expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString() };
  }
  async consume(userId: string, code: string, now: Date) {
    const live = this.sent.find(
      (c) => c.userId === userId && c.code === code && !c.used && c.expiresAt > now.getTime(),
    );
    if (live) live.used = true;
    return live !== undefined;
  }
}
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
  async passwordHashOf(): Promise<string | undefined> {
    throw new Error('not used');
  }
  async setPasswordHash(): Promise<void> {
    throw new Error('not used');
  }
}
class FakeCodes implements AuthorizationCodesPort {
  readonly requests = new Map<string, StoredAuthorizationRequest>();
  readonly codes = new Map<string, CodeGrant>();
  async saveRequest(request: AuthorizationRequest) {
    const id = `r${this.requests.size + 1}`;
    this.requests.set(id, request);
    return id;
  }
  async findRequest(id: string) {
    return this.requests.get(id);
  }
  async markSignedIn(id: string, subject: string, authTime: string) {
    this.requests.set(id, { ...this.requests.get(id)!, signedIn: { subject, authTime } });
  }
  async markAuthenticated(id: string, amr: readonly string[]) {
    this.requests.set(id, { ...this.requests.get(id)!, amr });
  }
  async deleteRequest(id: string) {
    this.requests.delete(id);
  }
  async issueCode(code: string, grant: CodeGrant) {
    this.codes.set(code, grant);
  }
  async consume(): Promise<undefined> {
    throw new Error('not used');
  }
  async attachSession(): Promise<void> {
    throw new Error('not used');
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
const hasher: PasswordHasherPort = {
  hash: async (secret) => `h:${secret}`,
  verify: async (secret, hash) => hash === `h:${secret}`,
};
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
const request: AuthorizationRequest = {
  clientId: 'console',
  redirectUri: 'http://app/callback',
  scope: 'openid',
  state: 's',
  codeChallenge: 'c'.repeat(43),
};

let users: FakeUsers, codes: FakeCodes, factors: InMemoryTotpFactors, clock: ClockPort & { at: number };
let useCase: CompleteAuthorizationUseCase;
let requestId: string;

const register = (id: string, email: string, roles: Role[]) => {
  users.streams.set(id, [
    { type: 'UserRegistered', data: { userId: id, email, displayName: 'Ann', roles, at: '2026-01-01T00:00:00.000Z' } },
  ]);
  users.credentials.set(email, { userId: id, passwordHash: 'h:correct horse' });
};
const post = (fields: {
  email?: string;
  password?: string;
  otp?: string;
  sendEmailCode?: boolean;
}): Promise<AuthorizationCompletion> =>
  useCase.execute(
    new CompleteAuthorizationCommand(
      requestId,
      fields.email ?? '',
      fields.password ?? '',
      '10.0.0.1',
      fields.otp,
      fields.sendEmailCode,
    ),
  );
let emailOtps: FakeEmailOtps;
const step = () => Math.floor(clock.at / 30_000);
const issuedCode = (done: AuthorizationCompletion): CodeGrant => {
  expect(done.kind).toBe('redirect');
  const code = new URL((done as { url: string }).url).searchParams.get('code')!;
  return codes.codes.get(code)!;
};
const ANN = '7a1d3b0e-3c55-4c9e-9a43-0d1c2b3a4f5e';
const ROOT = '0b5c1f5e-8a8e-4a8b-9a43-0d1c2b3a4f5e';

beforeEach(async () => {
  users = new FakeUsers();
  register(ANN, 'ann@example.com', ['customer']);
  register(ROOT, 'root@example.com', ['admin']);
  codes = new FakeCodes();
  factors = new InMemoryTotpFactors();
  clock = { at: Date.parse('2026-11-21T10:00:10.000Z'), now: () => new Date(clock.at) };
  useCase = new CompleteAuthorizationUseCase(
    codes,
    users,
    hasher,
    new FakeAttempts(),
    settings,
    clock,
    factors,
    new FakeTotp(),
    { refresh: () => undefined } as unknown as UserReadModelPort,
    (emailOtps = new FakeEmailOtps()),
  );
  requestId = await codes.saveRequest(request);
});

describe('sign-in page: second factor', () => {
  it('without TOTP and no role requiring it, the password alone issues a code with amr pwd', async () => {
    expect(issuedCode(await post({ email: 'ann@example.com', password: 'correct horse' })).amr).toEqual(['pwd']);
  });

  it('with TOTP: a code step after the password; a wrong code shows it again; the right one issues amr pwd+otp', async () => {
    await factors.savePending(ANN, 'S7');
    await factors.activate(ANN, step() - 5, ['abcdefghjkmnpqrs']);
    const first = await post({ email: 'ann@example.com', password: 'correct horse' });
    expect(first).toMatchObject({ kind: 'second-factor', status: 200 });
    const passwordTime = clock.now().toISOString();
    clock.at += 20_000;
    expect(await post({ otp: '000000' })).toMatchObject({ kind: 'second-factor', status: 400 });
    const grant = issuedCode(await post({ otp: FakeTotp.codeAt('S7', step()) }));
    expect(grant).toMatchObject({ subject: ANN, amr: ['pwd', 'otp'], authTime: passwordTime, state: 's' });
    expect(codes.requests.has(requestId)).toBe(false);
  });

  it('a role requiring TOTP enrols on the page: same key after a wrong code, recovery codes once, then on to the client', async () => {
    const enrol = await post({ email: 'root@example.com', password: 'correct horse' });
    expect(enrol).toMatchObject({ kind: 'enrol', status: 200 });
    const { secret, otpauthUri } = (enrol as { enrolment: { secret: string; otpauthUri: string } }).enrolment;
    expect(otpauthUri).toContain('root%40example.com');
    const wrong = await post({ otp: '000000' });
    expect(wrong).toMatchObject({ kind: 'enrol', status: 400, enrolment: { secret } });
    const shown = await post({ otp: FakeTotp.codeAt(secret, step()) });
    expect(shown.kind).toBe('recovery-codes');
    expect((shown as { recoveryCodes: readonly string[] }).recoveryCodes).toHaveLength(10);
    expect(users.streams.get(ROOT)!.map((e) => e.type)).toContain('TotpEnabled');
    expect(issuedCode(await post({})).amr).toEqual(['pwd', 'otp']);
  });

  it('the fallback: a code by e-mail on request (after the password only), used once, requests throttled', async () => {
    await factors.savePending(ANN, 'S7');
    await factors.activate(ANN, step() - 5, ['abcdefghjkmnpqrs']);
    expect(await post({ email: 'ann@example.com', password: 'correct horse' })).toMatchObject({ status: 200 });
    const sent = await post({ sendEmailCode: true });
    expect(sent).toMatchObject({ kind: 'second-factor', status: 200 });
    expect((sent as { notice: string }).notice).toMatch(/8-digit code to a••@example\.com.*10 minutes/);
    expect(emailOtps.sent).toEqual([expect.objectContaining({ userId: ANN, email: 'ann@example.com' })]);
    // A newer request supersedes the first code; the right code issues amr pwd+otp.
    await post({ sendEmailCode: true });
    const [first, second] = emailOtps.sent;
    expect(await post({ otp: first!.code })).toMatchObject({ kind: 'second-factor', status: 400 });
    expect(issuedCode(await post({ otp: `${second!.code.slice(0, 4)} ${second!.code.slice(4)}` })).amr).toEqual([
      'pwd',
      'otp',
    ]);
    // Requests are throttled per user (settings.emailRequestThrottle: then progressive delays).
    requestId = await codes.saveRequest(request);
    await post({ email: 'ann@example.com', password: 'correct horse' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push(((await post({ sendEmailCode: true })) as { status: number }).status);
    expect(statuses).toContain(429);
    // Before the password step, asking for a code sends nothing.
    requestId = await codes.saveRequest(request);
    const before = emailOtps.sent.length;
    expect(await post({ sendEmailCode: true })).toMatchObject({ kind: 'retry' });
    expect(emailOtps.sent).toHaveLength(before);
  });

  it('an unknown request is an error page', async () => {
    requestId = 'nope';
    expect(await post({ otp: '123456' })).toMatchObject({ kind: 'error', error: 'invalid_request' });
  });
});
