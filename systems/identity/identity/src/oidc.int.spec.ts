import 'reflect-metadata';
import { loadConfig } from '@archipelago/platform-config';
import { freePort } from '@archipelago/platform-local-postgres';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { IDENTITY_EVENTS } from '@archipelago/identity-contracts';
import { createTestDatabase } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as oidc from 'openid-client';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityAdapters, identitySettings } from './identity.bootstrap.js';
import { identityConfigSchema } from './identity.config.js';
import { IDENTITY_DOMAIN_ERRORS, IdentityModule } from './identity.module.js';
import { migrateIdentity } from './repository/identity.data-source.js';
import { IdentityInfrastructure } from './repository/identity.infrastructure.js';

// OpenID Connect authorization code + PKCE, driven by the independent `openid-client` library
// against identity listening on a real port, on real Postgres. The "browser" is fetch: it loads
// the sign-in page, posts the form and reads the redirect (the redirect URI is never called).
const CLIENT_ID = 'console-test';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const AFTER_LOGOUT = 'http://127.0.0.1:9/signed-out';
const EMAIL = 'oidc-user@example.com';
const PASSWORD = 'correct horse battery';
const BACKEND_SECRET = 'backend-secret-0123456789';
let app: NestFastifyApplication;
let infrastructure: IdentityInfrastructure;
let issuer: string;
let config: oidc.Configuration;

beforeAll(async () => {
  const url = await createTestDatabase('identity_oidc');
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
    IDENTITY_KEYS_DIR: await mkdtemp(join(tmpdir(), 'identity-oidc-keys-')),
    IDENTITY_CLIENTS: '[]',
    IDENTITY_OIDC_CLIENTS: JSON.stringify([
      {
        id: CLIENT_ID,
        public: true,
        redirectUris: [REDIRECT_URI],
        postLogoutRedirectUris: [AFTER_LOGOUT],
        scopes: ['openid', 'email', 'profile', 'offline_access'],
      },
      { id: 'backend', public: false, secret: BACKEND_SECRET, redirectUris: ['http://127.0.0.1:9/backend'] },
    ]),
  });
  infrastructure = await IdentityInfrastructure.open({
    databaseUrl: url,
    schema: 'identity',
    transport: 'postgres',
  });
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
  const registered = await fetch(`${issuer}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD, displayName: 'Olive' }),
  });
  expect(registered.status).toBe(202);
  config = await oidc.discovery(new URL(issuer), CLIENT_ID, { id_token_signed_response_alg: 'ES256' }, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

/** Starts a PKCE authorization request the way a browser app would. */
async function startLogin(overrides: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...overrides,
  });
  return { verifier, state, nonce, url };
}

/** The browser: loads the sign-in page, posts the credentials, returns the response. */
async function signIn(url: URL, password = PASSWORD, email = EMAIL): Promise<Response> {
  const page = await fetch(url, { redirect: 'manual' });
  expect(page.status).toBe(200);
  const html = await page.text();
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)![1]!;
  return fetch(new URL('authorize', `${issuer}/`), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request_id: requestId, email, password }).toString(),
  });
}

describe('OpenID Connect authorization code + PKCE, with openid-client', () => {
  it('discovers every endpoint, S256 only', () => {
    const meta = config.serverMetadata();
    expect(meta).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      revocation_endpoint: `${issuer}/revoke`,
      end_session_endpoint: `${issuer}/logout`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
    });
  });

  it('documents the new public operations as public (security: []) and userinfo as bearer', async () => {
    type Doc = { paths: Record<string, Record<string, { security?: unknown }>> };
    const doc = (await (await fetch(`http://${new URL(issuer).host}/docs/openapi.json`)).json()) as Doc;
    const op = (path: string, method: string) => doc.paths[`/identity/v1/${path}`]?.[method]?.security;
    expect(op('authorize', 'get')).toEqual([]);
    expect(op('logout', 'get')).toEqual([]);
    expect(op('revoke', 'post')).toEqual([]);
    expect(op('introspect', 'post')).toEqual([]);
    expect(op('userinfo', 'get')).toEqual([{ bearer: [] }]);
  });

  it('serves an accessible sign-in page without scripts', async () => {
    const { url } = await startLogin();
    const page = await fetch(url);
    const html = await page.text();
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<label for="email">');
    expect(html).toContain('autocomplete="current-password"');
    expect(html).not.toContain('<script');
  });

  it('logs in, gets tokens and an ID token, reads userinfo, refreshes, and logs out', async () => {
    const { verifier, state, nonce, url } = await startLogin();
    const redirect = await signIn(url);
    expect(redirect.status).toBe(303);
    const location = new URL(redirect.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe(state);

    const tokens = await oidc.authorizationCodeGrant(config, location, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: issuer, aud: CLIENT_ID, nonce, amr: ['pwd'], email: EMAIL, name: 'Olive' });
    expect(typeof claims.auth_time).toBe('number');
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ sub: claims.sub, email: EMAIL, name: 'Olive' });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).toEqual(expect.any(String));

    const logoutUrl = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: AFTER_LOGOUT,
      state: 'bye',
    });
    const loggedOut = await fetch(logoutUrl, { redirect: 'manual' });
    expect(loggedOut.status).toBe(302);
    expect(loggedOut.headers.get('location')).toBe(`${AFTER_LOGOUT}?state=bye`);
    // The session is over: its refresh token no longer works.
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('a sign-in through an OpenID client after a password-grant one is new and names the client (issue 17)', async () => {
    const email = 'pia@example.com';
    const post = (path: string, body: string, type: string) =>
      fetch(`${issuer}/${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    await post('users', JSON.stringify({ email, password: PASSWORD, displayName: 'Pia' }), 'application/json');
    const grant = new URLSearchParams({ grant_type: 'password', username: email, password: PASSWORD }).toString();
    expect((await post('token', grant, 'application/x-www-form-urlencoded')).status).toBe(200);
    const announced = async () =>
      (
        await infrastructure.pool.query<{ payload: Record<string, unknown> }>(
          `SELECT o.payload FROM identity.outbox o JOIN identity.user_emails e ON e.user_id::text = o.message_key
            WHERE o.message_type = $1 AND e.email = $2 ORDER BY o.position`,
          [IDENTITY_EVENTS.NewSignInDetectedV1.type, email],
        )
      ).rows.map((r) => r.payload);
    expect(await announced()).toEqual([]); // the account's first sign-in
    const { verifier, state, nonce, url } = await startLogin();
    const location = new URL((await signIn(url, PASSWORD, email)).headers.get('location')!);
    const tokens = await oidc.authorizationCodeGrant(config, location, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(await announced()).toEqual([
      expect.objectContaining({ clientId: CLIENT_ID, sessionId: tokens.claims()!['sid'] }),
    ]);
  });

  it('lets only the session’s client refresh it', async () => {
    const { verifier, state, nonce, url } = await startLogin();
    const location = new URL((await signIn(url)).headers.get('location')!);
    const tokens = await oidc.authorizationCodeGrant(config, location, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const stolen = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }).toString(),
    });
    expect(stolen.status).toBe(400);
    expect(((await stolen.json()) as { error: string }).error).toBe('invalid_grant');
    // Taken as theft: the session is over for its client too.
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses a wrong PKCE verifier', async () => {
    const { state, nonce, url } = await startLogin();
    const location = new URL((await signIn(url)).headers.get('location')!);
    await expect(
      oidc.authorizationCodeGrant(config, location, {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: state,
        expectedNonce: nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a replayed code, and the replay ends the session the code started', async () => {
    const { verifier, state, nonce, url } = await startLogin();
    const location = new URL((await signIn(url)).headers.get('location')!);
    const checks = { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce };
    const first = await oidc.authorizationCodeGrant(config, location, checks);
    await expect(oidc.authorizationCodeGrant(config, location, checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(oidc.refreshTokenGrant(config, first.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('never redirects to an unregistered redirect URI; refuses a code sent with another redirect URI', async () => {
    const { url } = await startLogin({ redirect_uri: 'https://evil.example/callback' });
    const page = await fetch(url, { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(await page.text()).toContain('redirect_uri is not registered');

    const ok = await startLogin();
    const location = new URL((await signIn(ok.url)).headers.get('location')!);
    const swapped = new URL(`http://127.0.0.1:9/other${location.search}`);
    await expect(
      oidc.authorizationCodeGrant(config, swapped, {
        pkceCodeVerifier: ok.verifier,
        expectedState: ok.state,
        expectedNonce: ok.nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('sends request errors back to the client with state (plain PKCE is refused)', async () => {
    const { url } = await startLogin({ code_challenge_method: 'plain', state: 's-1' });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('state')).toBe('s-1');
  });

  it('shows the sign-in page again with an announced error for a wrong password, without redirecting', async () => {
    const { url } = await startLogin();
    const res = await signIn(url, 'not the password');
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('aria-describedby="login-error"');
  });

  it('introspects tokens for confidential clients only (RFC 7662)', async () => {
    const { verifier, state, nonce, url } = await startLogin();
    const location = new URL((await signIn(url)).headers.get('location')!);
    const tokens = await oidc.authorizationCodeGrant(config, location, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const backend = await oidc.discovery(
      new URL(issuer),
      'backend',
      BACKEND_SECRET,
      oidc.ClientSecretBasic(BACKEND_SECRET),
      { execute: [oidc.allowInsecureRequests] },
    );
    const access = await oidc.tokenIntrospection(backend, tokens.access_token);
    expect(access).toMatchObject({ active: true, sub: tokens.claims()!.sub, username: EMAIL, token_type: 'Bearer' });
    const refresh = await oidc.tokenIntrospection(backend, tokens.refresh_token!);
    expect(refresh).toMatchObject({ active: true, client_id: CLIENT_ID, token_type: 'refresh_token' });
    expect(await oidc.tokenIntrospection(backend, 'garbage')).toEqual({ active: false });
    // A public client cannot introspect.
    const anonymous = await fetch(`${issuer}/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.access_token, client_id: CLIENT_ID, client_secret: 'x' }).toString(),
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('second factor in the authorization code flow (issue 12 §3)', () => {
  it('asks an account with TOTP for its code after the password; the ID token says amr pwd+otp', async () => {
    const email = 'totp-oidc@example.com';
    const post = (path: string, body: object, token?: string) =>
      fetch(`${issuer}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      });
    expect([201, 202]).toContain((await post('users', { email, password: PASSWORD, displayName: 'Otto' })).status);
    const form = { grant_type: 'password', username: email, password: PASSWORD };
    const token = (await (await post('token', form)).json()) as { access_token: string };
    const enrolment = (await (await post('users/me/totp', { password: PASSWORD }, token.access_token)).json()) as {
      secret: string;
    };
    const totp = new TOTP({ secret: Secret.fromBase32(enrolment.secret) });
    const confirmed = await post('users/me/totp/confirm', { code: totp.generate() }, token.access_token);
    expect(confirmed.status).toBe(200);

    const { verifier, state, nonce, url } = await startLogin();
    const html = await (await fetch(url)).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)![1]!;
    const submit = (fields: Record<string, string>) =>
      fetch(new URL('authorize', `${issuer}/`), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ request_id: requestId, ...fields }).toString(),
      });
    const step = await submit({ email, password: PASSWORD });
    expect(step.status).toBe(200);
    const page = await step.text();
    expect(page).toContain('<h1>Two-step verification</h1>');
    expect(page).toContain('autocomplete="one-time-code"');
    const wrong = await submit({ otp: '000000' === totp.generate() ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('role="alert"');
    const next = totp.generate({ timestamp: Date.now() + 30_000 }); // the current step was used to confirm
    const redirect = await submit({ otp: next });
    expect(redirect.status).toBe(303);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(redirect.headers.get('location')!), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp'], email });
  });
});
