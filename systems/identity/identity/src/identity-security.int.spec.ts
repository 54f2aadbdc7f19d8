import 'reflect-metadata';
import { loadConfig } from '@archipelago/platform-config';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { IDENTITY_EVENTS } from '@archipelago/identity-contracts';
import { createTestDatabase } from '@archipelago/testing-harness';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { decodeJwt } from 'jose';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAccount, createIdentityAdapters, identitySettings } from './identity.bootstrap.js';
import { identityConfigSchema } from './identity.config.js';
import { IDENTITY_DOMAIN_ERRORS, IdentityModule } from './identity.module.js';
import { migrateIdentity } from './repository/identity.data-source.js';
import { IdentityInfrastructure } from './repository/identity.infrastructure.js';
import { EnsureAdminCommand } from './use-case/ensure-admin/ensure-admin.command.js';
import type { EnsureAdminResult } from './use-case/ensure-admin/ensure-admin.use-case.js';
import type { PasswordHasherPort } from './use-case/port/password-hasher.port.js';

// Regression tests of the security review (issue 12 §1), each reproducing a finding through
// identity's HTTP API on real Postgres (postgres transport: no Kafka needed, TEST_KAFKA=off).
let app: NestFastifyApplication;
let infrastructure: IdentityInfrastructure;
let root: string;
const ADMIN = { email: 'admin@archipelago.local', password: 'archipelago-admin' };
/** Calls of the real password hasher, counted by operation. */
const hashing = { hash: 0, verify: 0 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
async function http(path: string, init?: RequestInit): Promise<JsonResponse> {
  const res = await fetch(`${root}${path}`, init);
  const text = await res.text();
  return Object.assign(res, { json: async () => JSON.parse(text) }) as JsonResponse;
}
const json = (body: unknown, method = 'POST', headers: Record<string, string> = {}) => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const form = (params: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(params).toString(),
});
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const register = (email: string, password = 'correct horse battery', displayName = 'Ann') =>
  http('/identity/v1/users', json({ email, password, displayName }));
/** Registers (202: the same answer for a taken address) and returns the account's id, read from the database. */
async function registerId(email: string, password?: string): Promise<string> {
  expect((await register(email, password)).status).toBe(202);
  const { rows } = await infrastructure.pool.query<{ user_id: string }>(
    'SELECT user_id FROM identity.user_emails WHERE email = $1',
    [email.trim().toLowerCase()],
  );
  return rows[0]!.user_id;
}
const passwordToken = (username: string, password = 'correct horse battery', ip = '198.51.100.1') =>
  http('/identity/v1/token', form({ grant_type: 'password', username, password }, { 'x-forwarded-for': ip }));
/** Payloads of the outbox messages of `type` keyed by `key` (a user id), oldest first. */
async function outboxOf(type: string, key: string): Promise<Array<Record<string, unknown>>> {
  const { rows } = await infrastructure.pool.query<{ payload: Record<string, unknown> }>(
    'SELECT payload FROM identity.outbox WHERE message_type = $1 AND message_key = $2 ORDER BY position',
    [type, key],
  );
  return rows.map((r) => r.payload);
}
const refresh = (refreshToken: string) =>
  http('/identity/v1/token', form({ grant_type: 'refresh_token', refresh_token: refreshToken }));

beforeAll(async () => {
  const url = await createTestDatabase('identity_sec');
  await migrateIdentity(url, 'identity');
  const config = loadConfig(identityConfigSchema, {
    SERVICE_NAME: 'identity',
    SYSTEM: 'identity',
    HOST: '127.0.0.1',
    HTTP_PORT: '3201',
    DATABASE_URL: url,
    DB_SCHEMA: 'identity',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    IDENTITY_KEYS_DIR: await mkdtemp(join(tmpdir(), 'identity-sec-keys-')),
    IDENTITY_CLIENTS: '[]',
    IDENTITY_HASHING_QUEUE_MAX: '4',
  });
  infrastructure = await IdentityInfrastructure.open({ databaseUrl: url, schema: 'identity', transport: 'postgres' });
  const { adapters } = await createIdentityAdapters(config);
  const real = adapters.passwordHasher;
  const counted: PasswordHasherPort = {
    hash: (secret) => ((hashing.hash += 1), real.hash(secret)),
    verify: (secret, hash) => ((hashing.verify += 1), real.verify(secret, hash)),
  };
  app = await createHttpApp(
    IdentityModule.forRoot(infrastructure, { ...adapters, passwordHasher: counted }, identitySettings(config)),
    {
      serviceName: 'identity',
      config: { ...config, HTTP_PORT: 0 },
      domainErrors: IDENTITY_DOMAIN_ERRORS,
      readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
      openapi: { title: 'identity', version: '1' },
      logDestination: new Writable({ write: (_chunk, _enc, done) => done() }),
    },
  );
  await app.init();
  await infrastructure.start();
  await app.get(CommandBus).execute(new EnsureAdminCommand(adminAccount(config).email, ADMIN.password));
  await app.listen(0, '127.0.0.1');
  root = (await app.getUrl()).replace('[::1]', '127.0.0.1');
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('High: a demoted admin cannot re-promote itself', () => {
  it('checks the current roles, not the token, and revokes refresh tokens on a role change', async () => {
    const id = await registerId('demoted@example.com');
    const admin = (await (await passwordToken(ADMIN.email, ADMIN.password)).json()).access_token;
    expect(
      (await http(`/identity/v1/users/${id}/roles`, json({ roles: ['admin', 'customer'] }, 'PUT', bearer(admin))))
        .status,
    ).toBe(200);
    const asAdmin = await (await passwordToken('demoted@example.com')).json();
    expect(decodeJwt(asAdmin.access_token).roles).toEqual(['admin', 'customer']);
    expect(
      (await http(`/identity/v1/users/${id}/roles`, json({ roles: ['customer'] }, 'PUT', bearer(admin)))).status,
    ).toBe(200);

    // The token still says admin; identity must not believe it.
    const again = await http(
      `/identity/v1/users/${id}/roles`,
      json({ roles: ['admin', 'customer'] }, 'PUT', bearer(asAdmin.access_token)),
    );
    expect(again.status).toBe(403);
    expect((await http('/identity/v1/users', { headers: bearer(asAdmin.access_token) })).status).toBe(403);
    const me = await (await http('/identity/v1/users/me', { headers: bearer(asAdmin.access_token) })).json();
    expect(me.roles).toEqual(['customer']);
    // The refresh token obtained as admin was revoked by the role change.
    expect((await (await refresh(asAdmin.refresh_token)).json()).error).toBe('invalid_grant');
  });

  it('issues tokens carrying the admin role for at most 5 minutes', async () => {
    const res = await (await passwordToken(ADMIN.email, ADMIN.password)).json();
    expect(res.expires_in).toBeLessThanOrEqual(300);
    const claims = decodeJwt(res.access_token);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(300);
  });
});

describe('Medium: throttling cannot be bypassed by parallel attempts, and never locks an account', () => {
  it('19 wrong passwords and the right one in parallel: only the free attempts are checked', async () => {
    await register('parallel@example.com');
    const verifiedBefore = hashing.verify;
    const guesses = [...Array.from({ length: 19 }, (_, i) => `wrong-guess-${i}`), 'correct horse battery'];
    const answers = await Promise.all(
      guesses.map((guess, i) => passwordToken('parallel@example.com', guess, `203.0.113.${i + 1}`)),
    );
    const statuses = answers.map((a) => a.status);
    // Five attempts (IDENTITY_LOGIN_FREE_FAILURES) are checked; every other one is refused unchecked.
    expect(statuses.filter((s) => s !== 429)).toHaveLength(5);
    expect(hashing.verify - verifiedBefore).toBe(5);
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await refused.json()).error).toBe('invalid_grant');
  });

  it('delays instead of locking: the owner signs in once the delay has passed', async () => {
    await register('victim@example.com');
    for (let i = 0; i < 5; i++) await passwordToken('victim@example.com', `attacker-${i}`, '192.0.2.66');
    const delayed = await passwordToken('victim@example.com', 'correct horse battery', '192.0.2.7');
    expect(delayed.status).toBe(429);
    const wait = Number(delayed.headers.get('retry-after'));
    expect(wait).toBe(1);
    await new Promise((r) => setTimeout(r, wait * 1000 + 50));
    expect((await passwordToken('victim@example.com', 'correct horse battery', '192.0.2.7')).status).toBe(200);
  });

  it('throttles one address trying many accounts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push((await passwordToken(`spray-${i}@example.com`, 'Winter2026!', '192.0.2.99')).status);
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(statuses[20]).toBe(429);
    // Another address is not affected.
    expect((await passwordToken('spray-0@example.com', 'Winter2026!', '192.0.2.100')).status).toBe(400);
  });
});

describe('Medium: registration is no hashing flood', () => {
  it('detects a taken e-mail before hashing: 100 parallel registrations, all the neutral 202, no hash computed', async () => {
    await register('taken@example.com');
    const hashedBefore = hashing.hash;
    const answers = await Promise.all(Array.from({ length: 100 }, () => register('Taken@Example.com')));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 100 }, () => 202));
    expect(hashing.hash).toBe(hashedBefore);
  });

  it('answers 503 + Retry-After when the hashing queue is full, and writes nothing for those', async () => {
    const emails = Array.from({ length: 30 }, (_, i) => `flood-${i}@example.com`);
    const answers = await Promise.all(emails.map((email) => register(email)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 202 && s !== 503)).toEqual([]);
    // One hash runs and IDENTITY_HASHING_QUEUE_MAX (4) wait: the rest are refused at once.
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(5);
    const busy = answers.filter((a) => a.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((a) => a.headers.get('retry-after') === '1')).toBe(true);
    expect(busy[0]!.headers.get('content-type')).toContain('application/problem+json');
    const { rows } = await infrastructure.pool.query<{ email: string }>(
      `SELECT email FROM identity.user_emails WHERE email LIKE 'flood-%'`,
    );
    expect(rows.map((r) => r.email).sort()).toEqual(emails.filter((_, i) => statuses[i] === 202).sort());
  });
});

describe('Medium: the admin bootstrap never promotes an account it did not create', () => {
  const ensureAdmin = (email: string): Promise<EnsureAdminResult> =>
    app.get(CommandBus).execute(new EnsureAdminCommand(email, 'a long bootstrap password'));

  it('leaves a self-registered account with ADMIN_EMAIL a customer', async () => {
    await register('squatter@example.com');
    expect((await ensureAdmin('squatter@example.com')).outcome).toBe('refused');
    const token = (await (await passwordToken('squatter@example.com', undefined, '192.0.2.31')).json()).access_token;
    expect(decodeJwt(token).roles).toEqual(['customer']);
    expect((await http('/identity/v1/users', { headers: bearer(token) })).status).toBe(403);
  });

  it('does not re-promote its own admin after an admin demoted it', async () => {
    const first = await ensureAdmin('ops@example.com');
    expect(first.outcome).toBe('created');
    const admin = (await (await passwordToken(ADMIN.email, ADMIN.password, '192.0.2.32')).json()).access_token;
    const demoted = await http(
      `/identity/v1/users/${first.userId}/roles`,
      json({ roles: ['customer'] }, 'PUT', bearer(admin)),
    );
    expect(demoted.status).toBe(200);
    expect(await ensureAdmin('ops@example.com')).toEqual({ userId: first.userId, outcome: 'kept' });
    const token = (await (await passwordToken('ops@example.com', 'a long bootstrap password', '192.0.2.32')).json())
      .access_token;
    expect(decodeJwt(token).roles).toEqual(['customer']);
    // The operator configured its address: the bootstrap admin is verified from the start.
    expect(decodeJwt(token).email_verified).toBe(true);
  });
});

describe('Medium: sessions end (revocation, session list, password change, disabling, absolute lifetime)', () => {
  const login = async (email: string, ip: string, password = 'correct horse battery') =>
    (await passwordToken(email, password, ip)).json();

  it('RFC 7009: revoking a refresh token ends its session; unknown tokens are answered 200 too', async () => {
    await register('revoke@example.com');
    const session = await login('revoke@example.com', '192.0.2.41');
    const revoked = await http('/identity/v1/revoke', form({ token: session.refresh_token }));
    expect(revoked.status).toBe(200);
    expect((await (await refresh(session.refresh_token)).json()).error).toBe('invalid_grant');
    expect((await http('/identity/v1/revoke', form({ token: 'never-issued' }))).status).toBe(200);
    expect((await http('/identity/v1/revoke', form({ token_type_hint: 'refresh_token' }))).status).toBe(400);
  });

  it('lists the caller’s sessions and ends one by id', async () => {
    await register('sessions@example.com');
    const phone = await login('sessions@example.com', '192.0.2.42');
    const laptop = await login('sessions@example.com', '192.0.2.43');
    const list = await http('/identity/v1/users/me/sessions', { headers: bearer(laptop.access_token) });
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toBe('no-store');
    const { items } = await list.json();
    expect(items).toHaveLength(2);
    const current = items.find((s: { current: boolean }) => s.current);
    const other = items.find((s: { current: boolean }) => !s.current);
    expect(current).toMatchObject({ ip: '192.0.2.43', clientId: null });
    expect(other.ip).toBe('192.0.2.42');
    const ended = await http(`/identity/v1/users/me/sessions/${other.id}`, {
      method: 'DELETE',
      headers: bearer(laptop.access_token),
    });
    expect(ended.status).toBe(204);
    expect((await (await refresh(phone.refresh_token)).json()).error).toBe('invalid_grant');
    expect((await refresh(laptop.refresh_token)).status).toBe(200);
    // Someone else's session id, or one already ended: 404.
    const again = await http(`/identity/v1/users/me/sessions/${other.id}`, {
      method: 'DELETE',
      headers: bearer(laptop.access_token),
    });
    expect(again.status).toBe(404);
  });

  it('password change needs the current password and ends every other session', async () => {
    const id = await registerId('change@example.com');
    const other = await login('change@example.com', '192.0.2.44');
    const mine = await login('change@example.com', '192.0.2.45');
    const change = (currentPassword: string) =>
      http(
        '/identity/v1/users/me/password',
        json({ currentPassword, newPassword: 'a brand new passphrase' }, 'PUT', bearer(mine.access_token)),
      );
    expect((await change('not my password')).status).toBe(400);
    const changed = () => outboxOf(IDENTITY_EVENTS.PasswordChangedV1.type, id);
    expect(await changed()).toEqual([]);
    expect((await change('correct horse battery')).status).toBe(204);
    // A security message for the owner (notifications), written with the new hash; never the password or hash.
    const [event] = await changed();
    expect(IDENTITY_EVENTS.PasswordChangedV1.schema.strict().parse(event)).toMatchObject({ id, how: 'change' });
    expect((await (await refresh(other.refresh_token)).json()).error).toBe('invalid_grant');
    expect((await refresh(mine.refresh_token)).status).toBe(200);
    expect((await passwordToken('change@example.com', 'correct horse battery', '192.0.2.46')).status).toBe(400);
    expect((await passwordToken('change@example.com', 'a brand new passphrase', '192.0.2.46')).status).toBe(200);
  });

  it('a disabled user gets no token, loses their sessions and their access token at once; enable restores sign-in', async () => {
    const id = await registerId('disable@example.com');
    const session = await login('disable@example.com', '192.0.2.47');
    const admin = (await login(ADMIN.email, '192.0.2.48', ADMIN.password)).access_token;
    const disabled = await http(`/identity/v1/users/${id}/status`, json({ disabled: true }, 'PUT', bearer(admin)));
    expect(disabled.status).toBe(200);
    expect((await disabled.json()).disabled).toBe(true);
    expect((await http('/identity/v1/users/me', { headers: bearer(session.access_token) })).status).toBe(401);
    expect((await (await refresh(session.refresh_token)).json()).error).toBe('invalid_grant');
    expect((await passwordToken('disable@example.com', 'correct horse battery', '192.0.2.47')).status).toBe(400);
    const customer = (await login('sessions@example.com', '192.0.2.49')).access_token;
    expect(
      (await http(`/identity/v1/users/${id}/status`, json({ disabled: false }, 'PUT', bearer(customer)))).status,
    ).toBe(403);
    const enabled = await http(`/identity/v1/users/${id}/status`, json({ disabled: false }, 'PUT', bearer(admin)));
    expect((await enabled.json()).disabled).toBe(false);
    expect((await passwordToken('disable@example.com', 'correct horse battery', '192.0.2.47')).status).toBe(200);
    const { rows } = await infrastructure.pool.query(
      `SELECT message_type AS type FROM identity.outbox WHERE payload->>'id' = $1`,
      [id],
    );
    expect(rows.map((r: { type: string }) => r.type)).toEqual(
      expect.arrayContaining([
        'archipelago.identity.identity.UserDisabledV1',
        'archipelago.identity.identity.UserEnabledV1',
      ]),
    );
  });

  it('a session ends at its absolute lifetime however often it is refreshed', async () => {
    await register('forever@example.com');
    let current = (await login('forever@example.com', '192.0.2.50')).refresh_token;
    current = (await (await refresh(current)).json()).refresh_token;
    // 30 days later (IDENTITY_REFRESH_ABSOLUTE_TTL_SECONDS), whatever the refreshes in between.
    await infrastructure.pool.query(
      `UPDATE identity.refresh_token_families SET absolute_expires_at = now() - interval '1 second'
        WHERE subject = (SELECT user_id::text FROM identity.user_emails WHERE email = 'forever@example.com')`,
    );
    expect((await (await refresh(current)).json()).error).toBe('invalid_grant');
  });
});

describe('security messages (issue 17)', () => {
  const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
  const FIREFOX_NEXT = 'Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0';
  const SAFARI_IOS =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
  const signIn = (email: string, userAgent: string, ip: string) =>
    http(
      '/identity/v1/token',
      form(
        { grant_type: 'password', username: email, password: 'correct horse battery' },
        { 'x-forwarded-for': ip, 'user-agent': userAgent },
      ),
    );
  const newSignIns = (id: string) => outboxOf(IDENTITY_EVENTS.NewSignInDetectedV1.type, id);

  it('announces a sign-in from a new browser or network, never the first one nor a known device', async () => {
    const id = await registerId('devices@example.com');
    expect((await signIn('devices@example.com', FIREFOX, '203.0.113.7')).status).toBe(200);
    expect(await newSignIns(id)).toEqual([]); // the first sign-in: nothing to compare with
    // The same browser family (an update) from the same /24: known.
    expect((await signIn('devices@example.com', FIREFOX_NEXT, '203.0.113.99')).status).toBe(200);
    expect(await newSignIns(id)).toEqual([]);
    const phone = await signIn('devices@example.com', SAFARI_IOS, '2001:db8:7:1::5');
    expect(phone.status).toBe(200);
    const [event, ...more] = await newSignIns(id);
    expect(more).toEqual([]);
    const sid = decodeJwt((await phone.json()).access_token).sid;
    expect(IDENTITY_EVENTS.NewSignInDetectedV1.schema.strict().parse(event)).toEqual({
      id,
      sessionId: sid,
      userAgent: SAFARI_IOS,
      device: 'Safari on iOS',
      network: '2001:db8:7::/48', // the /48, never the full address
      occurredAt: expect.any(String),
    });
    expect((await signIn('devices@example.com', SAFARI_IOS, '2001:db8:7:2::9')).status).toBe(200);
    // A known browser from another network is new too.
    expect((await signIn('devices@example.com', FIREFOX, '198.51.100.3')).status).toBe(200);
    expect((await newSignIns(id)).map((e) => [e['device'], e['network']])).toEqual([
      ['Safari on iOS', '2001:db8:7::/48'],
      ['Firefox on Linux', '198.51.100.0/24'],
    ]);
  });

  it('remembers at most 20 devices per user, the most recently seen', async () => {
    const id = await registerId('many-devices@example.com');
    for (let i = 0; i < 23; i += 1)
      expect((await signIn('many-devices@example.com', `tool-${i}/1.0`, `192.0.2.${i}`)).status).toBe(200);
    const { rows } = await infrastructure.pool.query<{ device: string }>(
      'SELECT device FROM identity.sign_in_devices WHERE user_id = $1 ORDER BY last_seen_at',
      [id],
    );
    expect(rows).toHaveLength(20);
    expect(rows[0]!.device).toBe('tool-3');
    expect((await newSignIns(id)).length).toBe(22);
  });

  it('refuses an admin removing their own admin role (400 USER.SELF_LOCKOUT), as disabling themself', async () => {
    const token = (await (await passwordToken(ADMIN.email, ADMIN.password, '192.0.2.200')).json()).access_token;
    const me = await (await http('/identity/v1/users/me', { headers: bearer(token) })).json();
    const demote = await http(`/identity/v1/users/${me.id}/roles`, json({ roles: ['customer'] }, 'PUT', bearer(token)));
    expect(demote.status).toBe(400);
    expect(demote.headers.get('content-type')).toContain('application/problem+json');
    expect((await demote.json()).code).toBe('USER.SELF_LOCKOUT');
    const disable = await http(`/identity/v1/users/${me.id}/status`, json({ disabled: true }, 'PUT', bearer(token)));
    expect(disable.status).toBe(400);
    expect((await disable.json()).code).toBe('USER.SELF_LOCKOUT');
    // Keeping the role while changing the others is allowed; the account is still an admin.
    const same = await http(
      `/identity/v1/users/${me.id}/roles`,
      json({ roles: ['admin', 'customer'] }, 'PUT', bearer(token)),
    );
    expect(same.status).toBe(200);
    expect((await same.json()).roles).toEqual(['admin', 'customer']);
  });
});
