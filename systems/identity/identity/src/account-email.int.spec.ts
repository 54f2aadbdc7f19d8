import 'reflect-metadata';
import { IDENTITY_EVENTS } from '@archipelago/identity-contracts';
import { loadConfig } from '@archipelago/platform-config';
import { freePort } from '@archipelago/platform-local-postgres';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { createTestDatabase } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { decodeJwt } from 'jose';
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityAdapters, identitySettings } from './identity.bootstrap.js';
import { identityConfigSchema } from './identity.config.js';
import { IDENTITY_DOMAIN_ERRORS, IdentityModule } from './identity.module.js';
import { migrateIdentity } from './repository/identity.data-source.js';
import { IdentityInfrastructure } from './repository/identity.infrastructure.js';

// E-mail verification and password reset (issue 12 §3), over HTTP on real Postgres. The e-mails
// themselves are the notifications system's: here the tokens are read from the events identity
// puts in its outbox (what notifications receives).
let app: NestFastifyApplication;
let infrastructure: IdentityInfrastructure;
let root: string;
let strictApp: NestFastifyApplication | undefined;
let databaseUrl: string;
let baseEnv: Record<string, string>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
async function http(path: string, init?: RequestInit): Promise<JsonResponse> {
  const res = await fetch(`${root}${path}`, init);
  const text = await res.text();
  return Object.assign(res, { json: async () => JSON.parse(text), text: async () => text }) as JsonResponse;
}
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const form = (params: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(params).toString(),
});
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const register = (email: string, password = 'correct horse battery') =>
  http('/identity/v1/users', json({ email, password, displayName: 'Vera' }));
const passwordToken = (username: string, password = 'correct horse battery') =>
  http('/identity/v1/token', form({ grant_type: 'password', username, password }));
const signIn = async (email: string, password?: string) =>
  (await (await passwordToken(email, password)).json()) as {
    access_token: string;
    refresh_token: string;
  };
async function userIdOf(email: string): Promise<string> {
  const { rows } = await infrastructure.pool.query<{ user_id: string }>(
    'SELECT user_id FROM identity.user_emails WHERE email = $1',
    [email],
  );
  return rows[0]!.user_id;
}
/** Payloads of the outbox messages of `type` for user `id`, oldest first. */
async function sent(type: string, id: string): Promise<Array<{ id: string; email: string; token?: string }>> {
  const { rows } = await infrastructure.pool.query<{ payload: { id: string; email: string; token?: string } }>(
    'SELECT payload FROM identity.outbox WHERE message_type = $1 AND message_key = $2 ORDER BY position',
    [type, id],
  );
  return rows.map((r) => r.payload);
}
const VERIFY = IDENTITY_EVENTS.EmailVerificationRequestedV1.type;
const ATTEMPT = IDENTITY_EVENTS.RegistrationAttemptedV1.type;
const RESET = IDENTITY_EVENTS.PasswordResetRequestedV1.type;
const latestToken = async (type: string, id: string) => (await sent(type, id)).at(-1)!.token!;

beforeAll(async () => {
  const url = await createTestDatabase('identity_email');
  databaseUrl = url;
  await migrateIdentity(url, 'identity');
  const port = await freePort();
  root = `http://127.0.0.1:${port}`;
  baseEnv = {
    SERVICE_NAME: 'identity',
    SYSTEM: 'identity',
    HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    DATABASE_URL: url,
    DB_SCHEMA: 'identity',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    IDENTITY_KEYS_DIR: await mkdtemp(join(tmpdir(), 'identity-email-keys-')),
    IDENTITY_CLIENTS: '[]',
  };
  const env = loadConfig(identityConfigSchema, baseEnv);
  infrastructure = await IdentityInfrastructure.open({ databaseUrl: url, schema: 'identity', transport: 'postgres' });
  const { adapters } = await createIdentityAdapters(env);
  app = await createHttpApp(IdentityModule.forRoot(infrastructure, adapters, identitySettings(env)), {
    serviceName: 'identity',
    config: env,
    domainErrors: IDENTITY_DOMAIN_ERRORS,
    readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
    openapi: { title: 'identity', version: '1' },
    logDestination: new Writable({ write: (_chunk, _enc, done) => done() }),
  });
  await app.init();
  await infrastructure.start();
  await app.listen(port, '127.0.0.1');
}, 120_000);

afterAll(async () => {
  await strictApp?.close();
  await app?.close();
});

describe('e-mail verification', () => {
  it('registration asks for a verification e-mail with a single-use token; only its hash is stored', async () => {
    expect((await register('vera@example.com')).status).toBe(202);
    const id = await userIdOf('vera@example.com');
    const [request] = await sent(VERIFY, id);
    expect(IDENTITY_EVENTS.EmailVerificationRequestedV1.schema.strict().parse(request)).toMatchObject({
      id,
      email: 'vera@example.com',
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const { rows } = await infrastructure.pool.query<{ token_hash: Buffer; expires_at: Date; created_at: Date }>(
      'SELECT token_hash, expires_at, created_at FROM identity.email_tokens WHERE user_id = $1',
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash.equals(createHash('sha256').update(request!.token!).digest())).toBe(true);
    expect(rows[0]!.expires_at.getTime() - rows[0]!.created_at.getTime()).toBe(24 * 3600 * 1000);

    // Unverified accounts may sign in (the default), and are marked.
    const before = await signIn('vera@example.com');
    expect(decodeJwt(before.access_token).email_verified).toBe(false);

    expect((await http('/identity/v1/email-verification', json({ token: request!.token }))).status).toBe(204);
    const me = await (await http('/identity/v1/users/me', { headers: bearer(before.access_token) })).json();
    expect(me.emailVerified).toBe(true);
    expect(decodeJwt((await signIn('vera@example.com')).access_token).email_verified).toBe(true);

    const again = await http('/identity/v1/email-verification', json({ token: request!.token }));
    expect(again.status).toBe(400);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect((await again.json()).code).toBe('USER.EMAIL_TOKEN_INVALID');
  });

  it('refuses an unknown, a malformed and an expired token', async () => {
    expect((await http('/identity/v1/email-verification', json({ token: 'A'.repeat(43) }))).status).toBe(400);
    expect((await http('/identity/v1/email-verification', json({ token: 'not a token!' }))).status).toBe(400);
    expect((await http('/identity/v1/email-verification', json({}))).status).toBe(400);
    await register('late@example.com');
    const id = await userIdOf('late@example.com');
    await infrastructure.pool.query(
      `UPDATE identity.email_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [id],
    );
    expect((await http('/identity/v1/email-verification', json({ token: await latestToken(VERIFY, id) }))).status).toBe(
      400,
    );
  });

  it('a taken address gets the same answer, no account, and its owner a "someone tried" message (throttled)', async () => {
    const first = await register('owner@example.com');
    const id = await userIdOf('owner@example.com');
    const again = await register('Owner@Example.com', 'another password');
    expect(again.status).toBe(first.status);
    expect(await again.json()).toEqual(await first.json());
    expect(await sent(VERIFY, id)).toHaveLength(1);
    expect(await sent(ATTEMPT, id)).toEqual([{ id, email: 'owner@example.com', occurredAt: expect.any(String) }]);
    // A mail bomb through registrations is cut short: a few notices per address, then delays.
    for (let i = 0; i < 5; i++) expect((await register('owner@example.com')).status).toBe(202);
    expect((await sent(ATTEMPT, id)).length).toBe(3);
  });

  it('resending makes a new link and the previous one stop working; unknown addresses get the same answer', async () => {
    await register('resend@example.com');
    const id = await userIdOf('resend@example.com');
    const old = await latestToken(VERIFY, id);
    const resent = await http('/identity/v1/email-verification/resend', json({ email: 'RESEND@example.com' }));
    expect(resent.status).toBe(202);
    const unknown = await http('/identity/v1/email-verification/resend', json({ email: 'nobody@example.com' }));
    expect(unknown.status).toBe(202);
    expect(await unknown.json()).toEqual(await resent.json());
    const fresh = await latestToken(VERIFY, id);
    expect(fresh).not.toBe(old);
    expect((await http('/identity/v1/email-verification', json({ token: old }))).status).toBe(400);
    expect((await http('/identity/v1/email-verification', json({ token: fresh }))).status).toBe(204);
  });

  it('the page of the link posts the token back: the GET changes nothing, the form verifies', async () => {
    await register('page@example.com');
    const id = await userIdOf('page@example.com');
    const token = await latestToken(VERIFY, id);
    const page = await http(`/identity/v1/email-verification/page?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await page.text()).toContain(`value="${token}"`);
    const { access_token } = await signIn('page@example.com');
    expect((await (await http('/identity/v1/users/me', { headers: bearer(access_token) })).json()).emailVerified).toBe(
      false,
    );
    const done = await http('/identity/v1/email-verification/page', form({ token }));
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Address verified');
    expect((await (await http('/identity/v1/users/me', { headers: bearer(access_token) })).json()).emailVerified).toBe(
      true,
    );
    const reused = await http('/identity/v1/email-verification/page', form({ token }));
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain('Link not valid');
  });
});

describe('password reset', () => {
  it('answers every address alike; a known one gets a link that sets a new password and ends every session', async () => {
    await register('reset@example.com', 'old password 1');
    const id = await userIdOf('reset@example.com');
    const session = await signIn('reset@example.com', 'old password 1');
    // What JSON Schema's `format: email` refuses is refused (400), as documented: a local part over 64.
    const long = `${'a'.repeat(65)}@example.com`;
    expect((await http('/identity/v1/password-reset', json({ email: long }))).status).toBe(400);
    expect((await http('/identity/v1/email-verification/resend', json({ email: long }))).status).toBe(400);
    const known = await http('/identity/v1/password-reset', json({ email: 'reset@example.com' }));
    const unknown = await http('/identity/v1/password-reset', json({ email: 'no-account@example.com' }));
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(await unknown.json()).toEqual(await known.json());
    const [request] = await sent(RESET, id);
    expect(IDENTITY_EVENTS.PasswordResetRequestedV1.schema.strict().parse(request)).toMatchObject({
      id,
      email: 'reset@example.com',
    });
    const { rows } = await infrastructure.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM identity.outbox WHERE message_type = $1 AND payload->>'email' = 'no-account@example.com'`,
      [RESET],
    );
    expect(rows[0]!.n).toBe(0);

    const confirm = (token: string, newPassword = 'new password 2') =>
      http('/identity/v1/password-reset/confirm', json({ token, newPassword }));
    expect((await confirm(request!.token!, 'short')).status).toBe(400);
    expect(await sent(IDENTITY_EVENTS.PasswordChangedV1.type, id)).toEqual([]);
    expect((await confirm(request!.token!)).status).toBe(204);
    // The owner is told (a security message), in the transaction of the change; no secret in it.
    const changed = await sent(IDENTITY_EVENTS.PasswordChangedV1.type, id);
    expect(changed).toHaveLength(1);
    expect(IDENTITY_EVENTS.PasswordChangedV1.schema.strict().parse(changed[0])).toMatchObject({ id, how: 'reset' });
    expect((await passwordToken('reset@example.com', 'old password 1')).status).toBe(400);
    expect((await passwordToken('reset@example.com', 'new password 2')).status).toBe(200);
    const refreshed = await http(
      '/identity/v1/token',
      form({ grant_type: 'refresh_token', refresh_token: session.refresh_token }),
    );
    expect(refreshed.status).toBe(400);
    // Single use; and the link proved the address.
    expect((await confirm(request!.token!, 'third password 3')).status).toBe(400);
    const me = await (
      await http('/identity/v1/users/me', {
        headers: bearer((await signIn('reset@example.com', 'new password 2')).access_token),
      })
    ).json();
    expect(me.emailVerified).toBe(true);
  });

  it('a newer request supersedes the older link; a password change revokes the outstanding one', async () => {
    await register('twice@example.com');
    const id = await userIdOf('twice@example.com');
    await http('/identity/v1/password-reset', json({ email: 'twice@example.com' }));
    const older = await latestToken(RESET, id);
    await http('/identity/v1/password-reset', json({ email: 'twice@example.com' }));
    const newer = await latestToken(RESET, id);
    const confirm = (token: string) =>
      http('/identity/v1/password-reset/confirm', json({ token, newPassword: 'brand new password' }));
    expect((await confirm(older)).status).toBe(400);

    const { access_token } = await signIn('twice@example.com');
    const changed = await http('/identity/v1/users/me/password', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...bearer(access_token) },
      body: JSON.stringify({ currentPassword: 'correct horse battery', newPassword: 'changed password 9' }),
    });
    expect(changed.status).toBe(204);
    expect((await confirm(newer)).status).toBe(400);
    expect((await passwordToken('twice@example.com', 'changed password 9')).status).toBe(200);
  });

  it('the page of the link sets the new password with a form', async () => {
    await register('form@example.com');
    const id = await userIdOf('form@example.com');
    await http('/identity/v1/password-reset', json({ email: 'form@example.com' }));
    const token = await latestToken(RESET, id);
    const page = await http(`/identity/v1/password-reset/page?token=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('autocomplete="new-password"');
    expect((await http('/identity/v1/password-reset/page', form({ token, newPassword: 'short' }))).status).toBe(400);
    const done = await http('/identity/v1/password-reset/page', form({ token, newPassword: 'from the form 1' }));
    expect(done.status).toBe(200);
    expect((await passwordToken('form@example.com', 'from the form 1')).status).toBe(200);
    expect((await http('/identity/v1/password-reset/page?token=')).status).toBe(400);
  });

  it('throttles requests per address (429 + Retry-After) whether or not an account has it', async () => {
    for (const email of ['throttle@example.com', 'ghost@example.com']) {
      if (email === 'throttle@example.com') await register(email);
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await http('/identity/v1/password-reset', json({ email })));
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 429]);
      expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});

describe('IDENTITY_REQUIRE_VERIFIED_EMAIL=true (another instance on the same database)', () => {
  it('refuses an unverified account a token, naming the reason; the verified account signs in', async () => {
    const port = await freePort();
    const env = loadConfig(identityConfigSchema, {
      ...baseEnv,
      HTTP_PORT: String(port),
      IDENTITY_REQUIRE_VERIFIED_EMAIL: 'true',
    });
    const strictInfrastructure = await IdentityInfrastructure.open({
      databaseUrl,
      schema: 'identity',
      transport: 'postgres',
    });
    const { adapters } = await createIdentityAdapters(env);
    strictApp = await createHttpApp(IdentityModule.forRoot(strictInfrastructure, adapters, identitySettings(env)), {
      serviceName: 'identity',
      config: env,
      domainErrors: IDENTITY_DOMAIN_ERRORS,
      readinessChecks: { postgres: postgresReadinessCheck(strictInfrastructure.pool) },
      openapi: { title: 'identity', version: '1' },
      logDestination: new Writable({ write: (_chunk, _enc, done) => done() }),
    });
    await strictApp.init();
    await strictApp.listen(port, '127.0.0.1');
    const strictToken = (username: string) =>
      fetch(
        `http://127.0.0.1:${port}/identity/v1/token`,
        form({ grant_type: 'password', username, password: 'correct horse battery' }),
      );

    await register('strict@example.com');
    const refused = await strictToken('strict@example.com');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/not verified/),
    });
    const id = await userIdOf('strict@example.com');
    expect((await http('/identity/v1/email-verification', json({ token: await latestToken(VERIFY, id) }))).status).toBe(
      204,
    );
    expect((await strictToken('strict@example.com')).status).toBe(200);
  });
});
