import 'reflect-metadata';
import { loadConfig } from '@archipelago/platform-config';
import { freePort } from '@archipelago/platform-local-postgres';
import { createHttpApp, openApiGaps, postgresReadinessCheck } from '@archipelago/platform-service';
import { createTestDatabase } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as oidc from 'openid-client';
import { Secret, TOTP } from 'otpauth';
import { CommandBus } from '@nestjs/cqrs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnsureAdminCommand } from './use-case/ensure-admin/ensure-admin.command.js';
import { createIdentityAdapters, identitySettings } from './identity.bootstrap.js';
import { type IdentityConfig, identityConfigSchema } from './identity.config.js';
import { IDENTITY_DOMAIN_ERRORS, IdentityModule } from './identity.module.js';
import { migrateIdentity } from './repository/identity.data-source.js';
import { IdentityInfrastructure } from './repository/identity.infrastructure.js';
import { TotpFactorsPostgresStore } from './repository/totp-factors.postgres-store.js';
import {
  AesGcmSecretBox,
  newSecretBoxKeyEntry,
  parseSecretBoxKeys,
  TOTP_ENCRYPTION_KEYS_FILE,
} from './gateway/aes-gcm.secret-box.js';

// Second factor (issue 12 §3) on real Postgres, identity on a real port: codes are computed with
// the `otpauth` library for "now"; the authorization code flow is driven by `openid-client`.
// IDENTITY_MFA_REQUIRED_ROLES=customer here, so every account must enrol on the login page.
const CLIENT_ID = 'console-test';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'correct horse battery';
let app: NestFastifyApplication;
let infrastructure: IdentityInfrastructure;
let issuer: string;
let config: oidc.Configuration;
let adminToken: string;
let envOfTest: IdentityConfig;

beforeAll(async () => {
  const url = await createTestDatabase('identity_totp');
  await migrateIdentity(url, 'identity');
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}/identity/v1`;
  const env = loadConfig(identityConfigSchema, {
    SERVICE_NAME: 'identity',
    SYSTEM: 'identity',
    HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    DATABASE_URL: url,
    DB_SCHEMA: 'identity',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    IDENTITY_ISSUER: issuer,
    IDENTITY_KEYS_DIR: await mkdtemp(join(tmpdir(), 'identity-totp-keys-')),
    IDENTITY_CLIENTS: '[]',
    IDENTITY_MFA_REQUIRED_ROLES: 'customer',
    IDENTITY_OIDC_CLIENTS: JSON.stringify([
      { id: CLIENT_ID, public: true, redirectUris: [REDIRECT_URI], scopes: ['openid', 'email', 'offline_access'] },
    ]),
  });
  envOfTest = env;
  infrastructure = await IdentityInfrastructure.open({ databaseUrl: url, schema: 'identity', transport: 'postgres' });
  const { adapters } = await createIdentityAdapters(env);
  const signAdmin = async () => {
    await app.get(CommandBus).execute(new EnsureAdminCommand('root@example.com', 'a long admin passphrase'));
    const { rows } = await infrastructure.pool.query<{ user_id: string }>(
      `SELECT user_id FROM identity.user_emails WHERE email = 'root@example.com'`,
    );
    // The guard reads the account's current roles; the token only has to be signed by identity.
    const subject = { subject: rows[0]!.user_id, roles: ['admin'], email: 'root@example.com' };
    return (await adapters.accessTokens.issue(subject)).accessToken;
  };
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
  adminToken = await signAdmin();
  config = await oidc.discovery(new URL(issuer), CLIENT_ID, { id_token_signed_response_alg: 'ES256' }, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

const register = async (email: string): Promise<string> => {
  const res = await fetch(`${issuer}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, displayName: 'Tess' }),
  });
  // 201 today; 202 once registration stops telling whether an address is taken (issue 12 §3).
  expect([201, 202]).toContain(res.status);
  const { rows } = await infrastructure.pool.query<{ user_id: string }>(
    `SELECT user_id FROM identity.user_emails WHERE email = $1`,
    [email],
  );
  return rows[0]!.user_id;
};
const passwordGrant = (email: string, otp?: string) =>
  fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username: email, password: PASSWORD, ...(otp && { otp }) }),
  });
/** The code of `secret` at `offsetSeconds` from now, computed by the otpauth library. */
const codeOf = (secret: string, offsetSeconds = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offsetSeconds * 1000 });
const form = (body: Record<string, string>) =>
  fetch(new URL('authorize', `${issuer}/`), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
const requestIdOf = (html: string) => /name="request_id" value="([^"]+)"/.exec(html)![1]!;

describe('the OpenAPI document of the second factor', () => {
  it('documents every answer of the TOTP operations, with examples, bearer-protected', async () => {
    type Op = { security?: unknown; responses: Record<string, unknown> };
    type Doc = { paths: Record<string, Record<string, Op>> };
    const doc = (await (await fetch(`http://${new URL(issuer).host}/docs/openapi.json`)).json()) as Doc;
    expect(openApiGaps(doc as never).filter((gap) => gap.includes('totp'))).toEqual([]);
    const statuses = (path: string, method: string) =>
      Object.keys(doc.paths[path]![method]!.responses).filter((status) => status !== '500');
    expect(statuses('/identity/v1/users/me/totp', 'post')).toEqual(['201', '400', '401', '404', '409', '429', '503']);
    expect(statuses('/identity/v1/users/me/totp/confirm', 'post')).toEqual(['200', '400', '401', '404', '409', '429']);
    expect(statuses('/identity/v1/users/me/totp', 'delete')).toEqual(['204', '400', '401', '404', '409', '429', '503']);
    expect(doc.paths['/identity/v1/users/me/totp']!['post']!.security).toEqual([{ bearer: [] }]);
    for (const method of ['post', 'delete'])
      expect((await fetch(`${issuer}/users/me/totp`, { method: method.toUpperCase() })).status).toBe(401);
  });
});

describe('TOTP required for a role: enrolment on the login page, then the second factor everywhere', () => {
  const email = 'tess@example.com';
  let secret: string;
  let recoveryCodes: string[];
  let accessToken: string;

  it('the password grant refuses an account that must enrol, with mfa_required', async () => {
    await register(email);
    const res = await passwordGrant(email);
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'invalid_grant', mfa_required: true });
    expect(body['error_description']).toContain('/identity/v1/authorize');
  });

  it('enrols on the login page (QR code, otpauth link), shows 10 recovery codes once, and the ID token says amr pwd+otp', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const requestId = requestIdOf(await (await fetch(url)).text());
    const enrol = await form({ request_id: requestId, email, password: PASSWORD });
    expect(enrol.status).toBe(200);
    const page = await enrol.text();
    expect(page).toContain('<h1>Set up two-step verification</h1>');
    expect(page).toMatch(/<figure class="qr" role="img" aria-label="[^"]+"><svg /);
    const uri = /href="(otpauth:\/\/totp\/[^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&');
    secret = new URL(uri).searchParams.get('secret')!;
    expect(uri).toContain('issuer=Archipelago');

    const wrong = await form({ request_id: requestId, otp: codeOf(secret, 600) });
    expect(wrong.status).toBe(400);
    const again = await wrong.text();
    expect(again).toContain('role="alert"');
    expect(again).toContain(`secret=${secret}`); // the same key: the app already has it

    const confirmed = await form({ request_id: requestId, otp: codeOf(secret) });
    expect(confirmed.status).toBe(200);
    const codesPage = await confirmed.text();
    recoveryCodes = [...codesPage.matchAll(/<li>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})<\/li>/g)].map(
      (m) => m[1]!,
    );
    expect(recoveryCodes).toHaveLength(10);

    const back = await form({ request_id: requestId });
    expect(back.status).toBe(303);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.headers.get('location')!), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(tokens.claims()?.amr).toEqual(['pwd', 'otp']);
    accessToken = tokens.access_token;

    const { rows } = await infrastructure.pool.query<{ code_hash: Buffer }>(
      `SELECT code_hash FROM identity.totp_recovery_codes c JOIN identity.totp_factors f USING (user_id)
        WHERE f.status = 'active'`,
    );
    expect(rows).toHaveLength(10);
    for (const code of recoveryCodes) expect(rows.some((r) => r.code_hash.toString('utf8').includes(code))).toBe(false);

    // Encrypted at rest: the column holds an AES-256-GCM sealed value, never the base32 secret.
    const stored = await infrastructure.pool.query<{ secret: string }>(
      `SELECT f.secret FROM identity.totp_factors f JOIN identity.user_emails e USING (user_id) WHERE e.email = $1`,
      [email],
    );
    expect(stored.rows[0]!.secret).toMatch(/^aesgcm1:/);
    expect(stored.rows[0]!.secret).not.toContain(secret);
  });

  it('the password grant needs otp: a code of the ±1 window works once, replays and older codes are refused', async () => {
    const missing = await passwordGrant(email);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_grant', mfa_required: true });
    // The enrolment used the current step: its code is a replay now.
    expect((await passwordGrant(email, codeOf(secret))).status).toBe(400);
    const next = codeOf(secret, 30);
    expect((await passwordGrant(email, next)).status).toBe(200);
    const replay = await passwordGrant(email, next);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'The one-time code is incorrect or was already used',
    });
    expect((await passwordGrant(email, codeOf(secret, 90))).status).toBe(400); // outside the window
    // Longer than the documented 64 characters: invalid_request before anything is checked.
    const long = await passwordGrant(email, '0'.repeat(65));
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('a recovery code works once', async () => {
    const code = recoveryCodes[0]!;
    expect((await passwordGrant(email, code.toUpperCase())).status).toBe(200);
    expect((await passwordGrant(email, code)).status).toBe(400);
  });

  it('the fallback: the code step e-mails an 8-digit code on request (EmailOtpRequestedV1), used once', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'st',
    });
    const requestId = requestIdOf(await (await fetch(url)).text());
    const step = await form({ request_id: requestId, email, password: PASSWORD });
    expect(step.status).toBe(200);
    expect(await step.text()).toContain('name="send_email_code"');
    const sent = await form({ request_id: requestId, send_email_code: '1' });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toMatch(/role="status">We sent an 8-digit code to t•+@example\.com/);
    const { rows } = await infrastructure.pool.query<{ payload: { code: string; email: string } }>(
      `SELECT payload FROM identity.outbox WHERE message_type = 'archipelago.identity.identity.EmailOtpRequestedV1'
        ORDER BY position DESC LIMIT 1`,
    );
    const { code, email: to } = rows[0]!.payload;
    expect(to).toBe(email);
    const stored = await infrastructure.pool.query<{ code_hash: Buffer }>(`SELECT code_hash FROM identity.email_otps`);
    expect(stored.rows.some((r) => r.code_hash.toString('utf8').includes(code))).toBe(false);
    const done = await form({ request_id: requestId, otp: code });
    expect(done.status).toBe(303);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.headers.get('location')!), {
      pkceCodeVerifier: verifier,
      expectedState: 'st',
    });
    expect(tokens.claims()?.amr).toEqual(['pwd', 'otp']);
    // Used once: a second sign-in cannot reuse it.
    const again = requestIdOf(await (await fetch(url)).text());
    await form({ request_id: again, email, password: PASSWORD });
    expect((await form({ request_id: again, otp: code })).status).toBe(400);
  });

  it('removal needs the password or a code; re-enrolment through the API gives new recovery codes', async () => {
    const bearer = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const remove = (body: object) =>
      fetch(`${issuer}/users/me/totp`, { method: 'DELETE', headers: bearer, body: JSON.stringify(body) });
    const start = (body: object) =>
      fetch(`${issuer}/users/me/totp`, { method: 'POST', headers: bearer, body: JSON.stringify(body) });
    expect((await start({ password: PASSWORD })).status).toBe(409);
    const wrong = await remove({ password: 'not the password' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { code: string }).code).toBe('USER.WRONG_PASSWORD');
    const status = async () =>
      (await fetch(`${issuer}/users/me/totp`, { headers: bearer })).json() as Promise<Record<string, unknown>>;
    expect(await status()).toEqual({ status: 'enabled', recoveryCodesLeft: 9, required: true });
    expect((await remove({ code: recoveryCodes[1]! })).status).toBe(204);
    const otps = await infrastructure.pool.query(
      `SELECT 1 FROM identity.email_otps JOIN identity.user_emails USING (user_id) WHERE email = $1`,
      [email],
    );
    expect(otps.rowCount).toBe(0); // the e-mailed fallback code went with the factor
    expect(await status()).toEqual({ status: 'none', recoveryCodesLeft: 0, required: true });
    expect((await remove({ password: PASSWORD })).status).toBe(404);

    // The password again before enrolling: a bearer token alone does not bind an authenticator.
    expect((await start({})).status).toBe(400);
    const refused = await start({ password: 'not the password' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: string }).code).toBe('USER.WRONG_PASSWORD');
    expect(await status()).toEqual({ status: 'none', recoveryCodesLeft: 0, required: true });
    const started = await start({ password: PASSWORD });
    expect(started.status).toBe(201);
    expect(started.headers.get('cache-control')).toBe('no-store');
    const enrolment = (await started.json()) as {
      otpauthUri: string;
      qrCodeSvg: string;
      secret: string;
      status: string;
    };
    expect(enrolment.status).toBe('pending');
    expect(enrolment.qrCodeSvg).toMatch(/^<svg /);
    expect(new URL(enrolment.otpauthUri).searchParams.get('secret')).toBe(enrolment.secret);
    const confirm = (code: string) =>
      fetch(`${issuer}/users/me/totp/confirm`, { method: 'POST', headers: bearer, body: JSON.stringify({ code }) });
    expect((await confirm(codeOf(enrolment.secret, 600))).status).toBe(400);
    const confirmed = await confirm(codeOf(enrolment.secret));
    expect(confirmed.status).toBe(200);
    const { recoveryCodes: fresh } = (await confirmed.json()) as { recoveryCodes: string[] };
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(recoveryCodes[2]);
    expect((await passwordGrant(email, recoveryCodes[2]!)).status).toBe(400); // the old codes are gone
    expect((await passwordGrant(email, fresh[0]!)).status).toBe(200);

    // Lost phone and codes: an admin resets it (a customer may not); the user enrols again.
    const userId = ((await (await fetch(`${issuer}/users/me`, { headers: bearer })).json()) as { id: string }).id;
    const reset = (token: string) =>
      fetch(`${issuer}/users/${userId}/totp`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect((await reset(accessToken)).status).toBe(403);
    expect((await reset(adminToken)).status).toBe(204);
    expect((await reset(adminToken)).status).toBe(404);
    expect(await (await passwordGrant(email, fresh[1]!)).json()).toMatchObject({ mfa_required: true });

    const { rows } = await infrastructure.pool.query<{ type: string }>(
      `SELECT message_type AS type FROM identity.outbox WHERE message_type LIKE '%Totp%' ORDER BY position`,
    );
    expect(rows.map((r) => r.type)).toEqual([
      'archipelago.identity.identity.TotpEnabledV1',
      'archipelago.identity.identity.TotpDisabledV1',
      'archipelago.identity.identity.TotpEnabledV1',
      'archipelago.identity.identity.TotpDisabledV1',
    ]);
  });

  it('encrypts secrets stored in clear before encryption at rest (on read and at start-up), and re-seals after a key rotation', async () => {
    const legacy = new Secret().base32;
    const reader = await register('legacy@example.com');
    const idle = await register('idle@example.com');
    const insert = (id: string, clear: string) =>
      infrastructure.pool.query(
        `INSERT INTO identity.totp_factors (user_id, status, secret, created_at) VALUES ($1, 'active', $2, now())`,
        [id, clear],
      );
    const storedOf = async (id: string) =>
      (
        await infrastructure.pool.query<{ secret: string }>(
          `SELECT secret FROM identity.totp_factors WHERE user_id = $1`,
          [id],
        )
      ).rows[0]!.secret;
    await insert(reader, legacy);
    await insert(idle, legacy);
    // Read by a sign-in: the code of the clear secret works, and the row is sealed from then on.
    expect((await passwordGrant('legacy@example.com', codeOf(legacy))).status).toBe(200);
    expect(await storedOf(reader)).toMatch(/^aesgcm1:/);
    expect(await storedOf(idle)).toBe(legacy);
    // The start-up sweep (main.ts) seals the rest.
    const { adapters } = await createIdentityAdapters(envOfTest);
    const store = new TotpFactorsPostgresStore(infrastructure.pool, 'identity', adapters.totpSecretBox);
    expect(await store.resealStaleSecrets()).toBeGreaterThanOrEqual(1);
    expect(await storedOf(idle)).toMatch(/^aesgcm1:/);
    expect(await store.resealStaleSecrets()).toBe(0);
    expect((await store.find(idle))?.secret).toBe(legacy);
    // Rotation: a new key first in the ring re-seals every row at start-up; the old key still opens
    // until then. (Then back, so the service under test keeps opening them.)
    const local = await readFile(join(envOfTest.IDENTITY_KEYS_DIR!, TOTP_ENCRYPTION_KEYS_FILE), 'utf8');
    const fresh = newSecretBoxKeyEntry('rotated');
    const rotated = new TotpFactorsPostgresStore(
      infrastructure.pool,
      'identity',
      new AesGcmSecretBox(parseSecretBoxKeys(`${fresh} ${local}`, 'test')),
    );
    expect(await rotated.resealStaleSecrets()).toBeGreaterThanOrEqual(2);
    expect(await storedOf(idle)).toMatch(/^aesgcm1:rotated:/);
    expect((await rotated.find(idle))?.secret).toBe(legacy);
    const back = new TotpFactorsPostgresStore(
      infrastructure.pool,
      'identity',
      new AesGcmSecretBox(parseSecretBoxKeys(`${local} ${fresh}`, 'test')),
    );
    expect(await back.resealStaleSecrets()).toBeGreaterThanOrEqual(2);
    expect(await storedOf(idle)).not.toMatch(/^aesgcm1:rotated:/);
    // A sealed value copied to another account's row does not open (the user id is authenticated data).
    await infrastructure.pool.query(`UPDATE identity.totp_factors SET secret = $2 WHERE user_id = $1`, [
      idle,
      await storedOf(reader),
    ]);
    await expect(store.find(idle)).rejects.toThrow(/failed authentication/);
    await store.remove(idle);
  });

  it('throttles wrong codes per user (429 with Retry-After)', async () => {
    const email2 = 'slow@example.com';
    const id = await register(email2);
    await infrastructure.pool.query(
      `INSERT INTO identity.totp_factors (user_id, status, secret, created_at) VALUES ($1, 'active', $2, now())`,
      [id, new Secret().base32],
    );
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await passwordGrant(email2, '000000')).status);
    expect(statuses).toContain(429);
    expect(statuses.slice(0, 4)).toEqual([400, 400, 400, 400]);
  });
});
