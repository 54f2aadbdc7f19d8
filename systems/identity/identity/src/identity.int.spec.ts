import 'reflect-metadata';
import {
  IDENTITY_EVENTS,
  identityProtoRoot,
  USERS_PROTO_FILE,
  USERS_PROTO_PACKAGE,
  USERS_SERVICE_FQN,
  type UsersServiceClient,
} from '@archipelago/identity-contracts';
import { loadConfig } from '@archipelago/platform-config';
import { connectAuthenticatedGrpcServer } from '@archipelago/platform-auth';
import { createGrpcClient, GrpcHealthService, type GrpcClient } from '@archipelago/platform-grpc';
import { freePort } from '@archipelago/platform-local-postgres';
import { Messaging, type IncomingMessage } from '@archipelago/platform-messaging';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAccount, createIdentityAdapters, identityGrpcVerifier, identitySettings } from './identity.bootstrap.js';
import { identityConfigSchema } from './identity.config.js';
import { IDENTITY_DOMAIN_ERRORS, IdentityModule } from './identity.module.js';
import { migrateIdentity } from './repository/identity.data-source.js';
import { IdentityInfrastructure } from './repository/identity.infrastructure.js';
import { EnsureAdminCommand } from './use-case/ensure-admin/ensure-admin.command.js';

// Component test: the real identity module over HTTP and gRPC on real Postgres, publishing
// through the outbox to a real Kafka broker; every log line is captured and searched for secrets.
const ISSUER = 'http://localhost:8000/identity/v1';
const CLIENT_SECRET = 'load-tests-secret-0123456789';
let app: NestFastifyApplication;
let infrastructure: IdentityInfrastructure;
let root: string;
let grpc: GrpcClient<UsersServiceClient>;
let listener: Messaging;
const received: IncomingMessage[] = [];
const logLines: string[] = [];
const bodies: string[] = [];
const secrets: string[] = ['correct horse battery', 'archipelago-admin', CLIENT_SECRET];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
async function http(path: string, init?: RequestInit): Promise<JsonResponse> {
  const res = await fetch(`${root}${path}`, init);
  const text = await res.text();
  bodies.push(text);
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
const basic = () => `Basic ${Buffer.from(`load-tests:${CLIENT_SECRET}`).toString('base64')}`;
async function serviceToken(resource: string): Promise<string> {
  const res = await http(
    '/identity/v1/token',
    form({ grant_type: 'client_credentials', resource }, { authorization: basic() }),
  );
  return (await res.json()).access_token;
}
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
const passwordToken = (username: string, password = 'correct horse battery') =>
  http('/identity/v1/token', form({ grant_type: 'password', username, password }));
async function eventually(check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  const url = await createTestDatabase('identity');
  await migrateIdentity(url, 'identity');
  const config = loadConfig(identityConfigSchema, {
    SERVICE_NAME: 'identity',
    SYSTEM: 'identity',
    HOST: '127.0.0.1',
    HTTP_PORT: '3201',
    DATABASE_URL: url,
    DB_SCHEMA: 'identity',
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    IDENTITY_KEYS_DIR: await mkdtemp(join(tmpdir(), 'identity-keys-')),
    IDENTITY_CLIENTS: JSON.stringify([
      { id: 'load-tests', secret: CLIENT_SECRET, roles: ['customer'], audiences: ['identity.identity'] },
    ]),
  });
  infrastructure = await IdentityInfrastructure.open({
    databaseUrl: url,
    schema: 'identity',
    transport: 'kafka',
    kafkaBrokers: [kafkaBrokers()],
  });
  const topics = [
    IDENTITY_EVENTS.UserRegisteredV1.topic,
    IDENTITY_EVENTS.UserRolesChangedV1.topic,
    IDENTITY_EVENTS.PasswordChangedV1.topic,
    IDENTITY_EVENTS.NewSignInDetectedV1.topic,
  ];
  await infrastructure.messaging.ensureTopics(topics);
  const { adapters } = await createIdentityAdapters(config);
  app = await createHttpApp(IdentityModule.forRoot(infrastructure, adapters, identitySettings(config)), {
    serviceName: 'identity',
    config: { ...config, HTTP_PORT: 0 },
    domainErrors: IDENTITY_DOMAIN_ERRORS,
    readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
    openapi: { title: 'identity', version: '1' },
    logDestination: new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  });
  const grpcPort = await freePort();
  // As runServiceMain does: every gRPC call needs a service token for identity.identity.
  connectAuthenticatedGrpcServer(
    app,
    {
      packages: [USERS_PROTO_PACKAGE],
      protoFiles: [USERS_PROTO_FILE],
      protoRoot: identityProtoRoot(),
      url: `127.0.0.1:${grpcPort}`,
      health: new GrpcHealthService('SERVING'),
    },
    identityGrpcVerifier(adapters.accessTokens, 'identity.identity'),
  );
  await app.startAllMicroservices();
  await app.init();
  await infrastructure.start();
  const admin = adminAccount(config);
  await app.get(CommandBus).execute(new EnsureAdminCommand(admin.email, admin.password));
  await app.listen(0, '127.0.0.1');
  root = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  grpc = createGrpcClient<UsersServiceClient>({
    address: `127.0.0.1:${grpcPort}`,
    service: USERS_SERVICE_FQN,
    protoRoot: identityProtoRoot(),
    protoFiles: [USERS_PROTO_FILE],
  });
  listener = new Messaging({
    transport: 'kafka',
    kafkaBrokers: [kafkaBrokers()],
    system: 'identity',
    service: 'listener',
    schema: 'identity',
    pool: infrastructure.pool,
    databaseUrl: url,
  });
  await listener.subscribe('identity.test-listener', topics, async (m) => {
    received.push(m);
  });
}, 120_000);

afterAll(async () => {
  grpc?.close();
  await listener?.close();
  await app?.close();
});

describe('registration', () => {
  it('registers: 202 with a neutral body (no id, no credentials); the account is unverified', async () => {
    const res = await register('ann@example.com');
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBeNull();
    const body = await res.json();
    expect(body).toEqual({ status: 'accepted', detail: expect.any(String) });
    const token = (await (await passwordToken('ann@example.com')).json()).access_token;
    const me = await (await http('/identity/v1/users/me', { headers: bearer(token) })).json();
    expect(me).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: 'ann@example.com',
      displayName: 'Ann',
      roles: ['customer'],
      disabled: false,
      emailVerified: false,
    });
  });

  it('answers a taken e-mail (in another case) exactly as a new one, and writes no account for it', async () => {
    const fresh = await register('case@example.com');
    const taken = await register('  CASE@Example.com ', 'another password 1');
    expect(taken.status).toBe(fresh.status);
    expect(await taken.json()).toEqual(await fresh.json());
    const { rows } = await infrastructure.pool.query(
      `SELECT count(*)::int AS n FROM identity.user_emails WHERE email = 'case@example.com'`,
    );
    expect(rows[0].n).toBe(1);
    // The first password still works; the second registration changed nothing.
    expect((await passwordToken('case@example.com')).status).toBe(200);
    expect((await passwordToken('case@example.com', 'another password 1')).status).toBe(400);
  });

  it('answers 400 problem+json listing every bad field', async () => {
    const res = await http('/identity/v1/users', json({ email: 'not-an-email', password: 'short', displayName: '' }));
    expect(res.status).toBe(400);
    const pointers = (await res.json()).errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/email', '/password', '/displayName']));
    const long = await http(
      '/identity/v1/users',
      json({ email: 'long@example.com', password: 'x'.repeat(257), displayName: 'L' }),
    );
    expect(long.status).toBe(400);
  });
});

describe('token endpoint (RFC 6749)', () => {
  it('password grant: a JWT verifiable against the JWKS with the agreed claims, no-store', async () => {
    const id = await registerId('tok@example.com');
    const res = await passwordToken('TOK@example.com');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      refresh_token: expect.any(String),
    });
    const jwks = createRemoteJWKSet(new URL(`${root}/identity/v1/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(body.access_token, jwks, {
      issuer: ISSUER,
      audience: 'archipelago',
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
    expect(payload).toMatchObject({ sub: id, email: 'tok@example.com', roles: ['customer'], jti: expect.any(String) });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(900);
  });

  it('accepts JSON as well as form-urlencoded', async () => {
    await register('json@example.com');
    const res = await http(
      '/identity/v1/token',
      json({ grant_type: 'password', username: 'json@example.com', password: 'correct horse battery' }),
    );
    expect(res.status).toBe(200);
    expect((await res.json()).token_type).toBe('Bearer');
  });

  it('answers a wrong password and an unknown e-mail with the same status and body', async () => {
    await register('enum@example.com');
    const wrong = await passwordToken('enum@example.com', 'wrong password');
    const unknown = await passwordToken('nobody-here@example.com', 'wrong password');
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(wrong.status);
    const [a, b] = [await wrong.json(), await unknown.json()];
    expect(a.error).toBe('invalid_grant');
    expect(b).toEqual(a);
    expect(wrong.headers.get('content-type')).toContain('application/json');
  });

  it('delays an account after 5 failures (429 + Retry-After, password unchecked) instead of locking it', async () => {
    await register('brute@example.com');
    const failures = [];
    for (let i = 0; i < 5; i++) failures.push(await (await passwordToken('brute@example.com', `guess-${i}`)).json());
    expect(failures.every((f) => f.error === 'invalid_grant')).toBe(true);
    const delayed = await passwordToken('brute@example.com');
    expect(delayed.status).toBe(429);
    expect(delayed.headers.get('retry-after')).toBe('1');
    expect((await delayed.json()).error).toBe('invalid_grant');
    expect((await passwordToken('tok@example.com')).status).toBe(200);
  });

  it('rotates refresh tokens; a reused one revokes the whole family', async () => {
    await register('refresh@example.com');
    const first = await (await passwordToken('refresh@example.com')).json();
    const second = await http(
      '/identity/v1/token',
      form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }),
    );
    expect(second.status).toBe(200);
    const rotated = await second.json();
    expect(rotated.refresh_token).not.toBe(first.refresh_token);
    const replay = await http(
      '/identity/v1/token',
      form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }),
    );
    expect(replay.status).toBe(400);
    expect((await replay.json()).error).toBe('invalid_grant');
    const afterRevocation = await http(
      '/identity/v1/token',
      form({ grant_type: 'refresh_token', refresh_token: rotated.refresh_token }),
    );
    expect((await afterRevocation.json()).error).toBe('invalid_grant');
    const { rows } = await infrastructure.pool.query(
      `SELECT count(*)::int AS n FROM identity.refresh_tokens WHERE encode(token_hash, 'escape') LIKE $1`,
      [`%${first.refresh_token}%`],
    );
    expect(rows[0].n).toBe(0);
  });

  it('client_credentials: Basic or body credentials; a bad secret is 401 invalid_client', async () => {
    const basic = `Basic ${Buffer.from(`load-tests:${CLIENT_SECRET}`).toString('base64')}`;
    const viaBasic = await http(
      '/identity/v1/token',
      form({ grant_type: 'client_credentials' }, { authorization: basic }),
    );
    expect(viaBasic.status).toBe(200);
    const body = await viaBasic.json();
    expect(body.refresh_token).toBeUndefined();
    const { payload } = await jwtVerify(
      body.access_token,
      createRemoteJWKSet(new URL(`${root}/identity/v1/.well-known/jwks.json`)),
      {
        issuer: ISSUER,
        audience: 'archipelago',
      },
    );
    expect(payload).toMatchObject({ sub: 'load-tests', roles: ['customer'] });
    const viaBody = await http(
      '/identity/v1/token',
      form({ grant_type: 'client_credentials', client_id: 'load-tests', client_secret: CLIENT_SECRET }),
    );
    expect(viaBody.status).toBe(200);
    const bad = await http(
      '/identity/v1/token',
      form({ grant_type: 'client_credentials', client_id: 'load-tests', client_secret: 'nope' }),
    );
    expect(bad.status).toBe(401);
    expect((await bad.json()).error).toBe('invalid_client');
  });

  it('answers unsupported_grant_type and invalid_request in the RFC 6749 shape', async () => {
    const unsupported = await http(
      '/identity/v1/token',
      form({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'x' }),
    );
    expect(unsupported.status).toBe(400);
    expect(await unsupported.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: expect.any(String),
    });
    const missing = await http('/identity/v1/token', form({ grant_type: 'password', username: 'x@example.com' }));
    expect((await missing.json()).error).toBe('invalid_request');
    const repeated = await http('/identity/v1/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&grant_type=client_credentials',
    });
    expect((await repeated.json()).error).toBe('invalid_request');
  });
});

describe('users/me and admin routes', () => {
  it('GET and PATCH /users/me with the caller token; 401 without or with a bad one', async () => {
    const id = await registerId('me@example.com');
    const { access_token } = await (await passwordToken('me@example.com')).json();
    const me = await http('/identity/v1/users/me', { headers: bearer(access_token) });
    expect(await me.json()).toEqual({
      id,
      email: 'me@example.com',
      displayName: 'Ann',
      roles: ['customer'],
      disabled: false,
      emailVerified: false,
    });
    const patched = await http('/identity/v1/users/me', json({ displayName: 'Ann Me' }, 'PATCH', bearer(access_token)));
    expect((await patched.json()).displayName).toBe('Ann Me');
    const none = await http('/identity/v1/users/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    const tampered = await http('/identity/v1/users/me', { headers: bearer(`${access_token.slice(0, -4)}AAAA`) });
    expect(tampered.status).toBe(401);
  });

  it('admin lists users and changes roles; a customer gets 403; unknown user 404; unknown role 400', async () => {
    const id = await registerId('promote@example.com');
    const customer = (await (await passwordToken('promote@example.com')).json()).access_token;
    const admin = (await (await passwordToken('admin@archipelago.local', 'archipelago-admin')).json()).access_token;
    expect((await http('/identity/v1/users', { headers: bearer(customer) })).status).toBe(403);
    expect(
      (await http(`/identity/v1/users/${id}/roles`, json({ roles: ['admin'] }, 'PUT', bearer(customer)))).status,
    ).toBe(403);

    const changed = await http(
      `/identity/v1/users/${id}/roles`,
      json({ roles: ['customer', 'admin'] }, 'PUT', bearer(admin)),
    );
    expect(changed.status).toBe(200);
    expect((await changed.json()).roles).toEqual(['admin', 'customer']);
    expect((await http(`/identity/v1/users/${id}/roles`, json({ roles: ['root'] }, 'PUT', bearer(admin)))).status).toBe(
      400,
    );
    expect(
      (
        await http(
          `/identity/v1/users/0b5b4c9e-1d6f-4c38-9a57-3f2a1c0d9e11/roles`,
          json({ roles: ['admin'] }, 'PUT', bearer(admin)),
        )
      ).status,
    ).toBe(404);

    const seen: string[] = [];
    await eventually(async () => {
      seen.length = 0;
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ id: string; roles: string[] }>; nextCursor: string | null } = await (
          await http(`/identity/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { headers: bearer(admin) })
        ).json();
        seen.push(...page.items.filter((u) => u.roles.includes('admin')).map((u) => u.id));
        cursor = page.nextCursor;
      } while (cursor);
      return seen.includes(id);
    });
    expect((await http('/identity/v1/users?cursor=forged', { headers: bearer(admin) })).status).toBe(400);
  });
});

describe('discovery, events, gRPC and secrecy', () => {
  it('serves JWKS (public keys only) and the discovery document', async () => {
    const jwks = await (await http('/identity/v1/.well-known/jwks.json')).json();
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
      expect(key.d).toBeUndefined();
    }
    const { access_token } = await (await passwordToken('tok@example.com')).json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(decodeProtectedHeader(access_token).kid);
    const discovery = await (await http('/identity/v1/.well-known/openid-configuration')).json();
    expect(discovery).toMatchObject({
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      token_endpoint: `${ISSUER}/token`,
      grant_types_supported: expect.arrayContaining(['password', 'refresh_token', 'client_credentials']),
      id_token_signing_alg_values_supported: ['ES256'],
    });
  });

  it('publishes UserRegisteredV1 and UserRolesChangedV1 without credentials', async () => {
    const id = await registerId('events@example.com');
    const admin = (await (await passwordToken('admin@archipelago.local', 'archipelago-admin')).json()).access_token;
    await http(`/identity/v1/users/${id}/roles`, json({ roles: ['admin', 'customer'] }, 'PUT', bearer(admin)));
    await eventually(() => received.filter((m) => m.key === id).length >= 2);
    const mine = received.filter((m) => m.key === id);
    expect(mine.map((m) => m.type)).toEqual([
      IDENTITY_EVENTS.UserRegisteredV1.type,
      IDENTITY_EVENTS.UserRolesChangedV1.type,
    ]);
    expect(IDENTITY_EVENTS.UserRegisteredV1.schema.strict().parse(mine[0]!.payload)).toMatchObject({
      id,
      email: 'events@example.com',
      roles: ['customer'],
    });
    expect(IDENTITY_EVENTS.UserRolesChangedV1.schema.parse(mine[1]!.payload)).toMatchObject({
      id,
      roles: ['admin', 'customer'],
    });
    const { rows } = await infrastructure.pool.query(
      `SELECT data::text AS data FROM identity.events WHERE stream_id = $1`,
      [`user-${id}`],
    );
    for (const row of rows) expect(row.data).not.toMatch(/scrypt|password/i);
  });

  it('publishes the security messages PasswordChangedV1 and NewSignInDetectedV1 over Kafka, without secrets', async () => {
    const id = await registerId('secmsg@example.com');
    const signIn = (password: string, userAgent: string) =>
      http(
        '/identity/v1/token',
        form({ grant_type: 'password', username: 'secmsg@example.com', password }, { 'user-agent': userAgent }),
      );
    const first = await (await signIn('correct horse battery', 'curl/8.5.0')).json();
    const change = await http(
      '/identity/v1/users/me/password',
      json(
        { currentPassword: 'correct horse battery', newPassword: 'another passphrase' },
        'PUT',
        bearer(first.access_token),
      ),
    );
    expect(change.status).toBe(204);
    expect((await signIn('another passphrase', 'HTTPie/3.2.4')).status).toBe(200);
    const security = () => received.filter((m) => m.key === id && m.type !== IDENTITY_EVENTS.UserRegisteredV1.type);
    await eventually(() => security().length >= 2);
    const [changed, signedIn] = security();
    expect(IDENTITY_EVENTS.PasswordChangedV1.schema.strict().parse(changed!.payload)).toMatchObject({
      id,
      how: 'change',
    });
    expect(IDENTITY_EVENTS.NewSignInDetectedV1.schema.strict().parse(signedIn!.payload)).toMatchObject({
      id,
      userAgent: 'HTTPie/3.2.4',
      device: 'HTTPie',
    });
    for (const m of [changed!, signedIn!]) expect(JSON.stringify(m.payload)).not.toMatch(/scrypt|passphrase|horse/);
  });

  it('answers GetUser over gRPC to a service token for identity, NOT_FOUND for an unknown id', async () => {
    const id = await registerId('grpc@example.com');
    const metadata = { authorization: `Bearer ${await serviceToken('identity.identity')}` };
    const res = await grpc.getUser({ id }, { metadata });
    expect(res.user).toEqual({ id, email: 'grpc@example.com', displayName: 'Ann', roles: ['customer'] });
    await expect(grpc.getUser({ id: '3f0c1a52-7d4e-4b8a-9c6e-2b1d0a9f8e7d' }, { metadata })).rejects.toMatchObject({
      code: 5,
    });
  });

  it('refuses gRPC calls without a service token for identity: none, a user token, another audience', async () => {
    const id = await registerId('grpc-anon@example.com');
    const UNAUTHENTICATED = 16;
    await expect(grpc.getUser({ id })).rejects.toMatchObject({ code: UNAUTHENTICATED });
    const user = (await (await passwordToken('grpc-anon@example.com')).json()).access_token;
    await expect(grpc.getUser({ id }, { metadata: { authorization: `Bearer ${user}` } })).rejects.toMatchObject({
      code: UNAUTHENTICATED,
    });
    const general = (
      await (
        await http('/identity/v1/token', form({ grant_type: 'client_credentials' }, { authorization: basic() }))
      ).json()
    ).access_token;
    await expect(grpc.getUser({ id }, { metadata: { authorization: `Bearer ${general}` } })).rejects.toMatchObject({
      code: UNAUTHENTICATED,
    });
    // A client may only get tokens for the services on its allow-list (RFC 8707 invalid_target).
    const other = await http(
      '/identity/v1/token',
      form({ grant_type: 'client_credentials', resource: 'catalog.commerce' }, { authorization: basic() }),
    );
    expect(other.status).toBe(400);
    expect((await other.json()).error).toBe('invalid_target');
  });

  it('never shows a password, a hash or a client secret in a response body or a log line', async () => {
    const { rows } = await infrastructure.pool.query<{ password_hash: string }>(
      'SELECT password_hash FROM identity.user_credentials',
    );
    const hashes = rows.map((r) => r.password_hash);
    expect(hashes.length).toBeGreaterThan(3);
    expect(logLines.length).toBeGreaterThan(10);
    const haystacks = [...bodies, ...logLines];
    for (const needle of [...secrets, ...hashes, ...hashes.map((h) => h.split('$')[5]!)]) {
      expect(haystacks.filter((h) => h.includes(needle))).toEqual([]);
    }
    expect(haystacks.filter((h) => /scrypt\$/.test(h))).toEqual([]);
  });
});
