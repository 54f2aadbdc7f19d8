import { freePort } from '@archipelago/platform-local-postgres';
import { createTestDatabase, startWorkspaceProcess, type RunningProcess } from '@archipelago/testing-harness';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// End to end: the compiled identity service as a real process on real Postgres (postgres
// transport), without the edge: start-up configuration, key generation, persistence and rotation.
const ENTRY = 'systems/identity/identity/src/main.ts';
let identity: RunningProcess | undefined;
let env: Record<string, string>;
let base: string;
let keysDir: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (path: string, init?: RequestInit) => fetch(`${base}${path}`, init) as Promise<JsonResponse>;
const post = (path: string, body: unknown) =>
  http(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const token = (username: string, password: string) =>
  http('/identity/v1/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
  });
const start = () =>
  startWorkspaceProcess({ name: 'identity', entry: ENTRY, env, readyUrl: `${base}/health/ready` }).then(
    (p) => (identity = p),
  );

beforeAll(async () => {
  const databaseUrl = await createTestDatabase('identity_e2e');
  const [httpPort, grpcPort] = await Promise.all([freePort(), freePort()]);
  keysDir = join(await mkdtemp(join(tmpdir(), 'identity-e2e-')), 'keys');
  base = `http://127.0.0.1:${httpPort}`;
  env = {
    SERVICE_NAME: 'identity',
    SYSTEM: 'identity',
    HTTP_PORT: String(httpPort),
    GRPC_PORT: String(grpcPort),
    DATABASE_URL: databaseUrl,
    DB_SCHEMA: 'identity',
    MESSAGING_TRANSPORT: 'postgres',
    IDENTITY_KEYS_DIR: keysDir,
    IDENTITY_ISSUER: 'http://localhost:8000/identity/v1',
    LOG_LEVEL: 'info',
    NODE_ENV: 'development',
  };
  await startWorkspaceProcess({ name: 'identity migrate', entry: ENTRY, args: ['migrate'], env });
  await start();
});

afterAll(async () => {
  await identity?.stop();
});

describe('identity as a process', () => {
  it('generates its signing key on first start into a private dir, and serves the local admin', async () => {
    expect((await stat(keysDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(keysDir, 'signing-keys.json'))).mode & 0o777).toBe(0o600);
    const res = await token('admin@archipelago.local', 'archipelago-admin');
    expect(res.status).toBe(200);
    const { access_token } = await res.json();
    const me = await (
      await http('/identity/v1/users/me', { headers: { authorization: `Bearer ${access_token}` } })
    ).json();
    expect(me.roles).toEqual(['admin', 'customer']);
    expect(identity!.output()).not.toContain('archipelago-admin');
  });

  it('registers a user who gets a token verifiable against the published JWKS', async () => {
    const created = await post('/identity/v1/users', {
      email: 'e2e@example.com',
      password: 'e2e password 1',
      displayName: 'E2E',
    });
    expect(created.status).toBe(202);
    const { access_token } = await (await token('e2e@example.com', 'e2e password 1')).json();
    const { payload } = await jwtVerify(
      access_token,
      createRemoteJWKSet(new URL(`${base}/identity/v1/.well-known/jwks.json`)),
      {
        issuer: 'http://localhost:8000/identity/v1',
        audience: 'archipelago',
      },
    );
    expect(payload).toMatchObject({ email: 'e2e@example.com', email_verified: false, roles: ['customer'] });
  });

  it('keeps its key across restarts; after rotate-keys the old token still verifies and JWKS lists both keys', async () => {
    const { access_token } = await (await token('e2e@example.com', 'e2e password 1')).json();
    const oldKid = decodeProtectedHeader(access_token).kid;
    await identity!.stop();
    await start();
    expect(
      (await (await http('/identity/v1/.well-known/jwks.json')).json()).keys.map((k: { kid: string }) => k.kid),
    ).toEqual([oldKid]);

    await identity!.stop();
    await startWorkspaceProcess({ name: 'identity rotate-keys', entry: ENTRY, args: ['rotate-keys'], env });
    await start();
    const kids = (await (await http('/identity/v1/.well-known/jwks.json')).json()).keys.map(
      (k: { kid: string }) => k.kid,
    );
    expect(kids).toHaveLength(2);
    expect(kids[1]).toBe(oldKid);
    const me = await http('/identity/v1/users/me', { headers: { authorization: `Bearer ${access_token}` } });
    expect(me.status).toBe(200);
    const fresh = (await (await token('e2e@example.com', 'e2e password 1')).json()).access_token;
    expect(decodeProtectedHeader(fresh).kid).toBe(kids[0]);
  });

  it('refuses to start in production without keys and admin credentials, naming the variables', async () => {
    // No NODE_ENV at all (not even vitest's `test`): identity fails closed (production) instead of
    // defaulting to local mode.
    const { IDENTITY_KEYS_DIR: _dir, ...rest } = env;
    const attempt = startWorkspaceProcess({
      name: 'identity prod',
      entry: ENTRY,
      env: { ...rest, NODE_ENV: undefined, HTTP_PORT: String(await freePort()) },
    });
    const error = await attempt.then(
      () => 'started',
      (e: Error) => e.message,
    );
    expect(error).toContain('exited with 1');
    expect(error).toContain('ADMIN_EMAIL is required');
    expect(error).toContain('ADMIN_PASSWORD is required');
    expect(error).toContain('IDENTITY_SIGNING_KEYS');
  });

  it('refuses the local default admin password in production', async () => {
    const attempt = startWorkspaceProcess({
      name: 'identity prod default password',
      entry: ENTRY,
      env: {
        ...env,
        NODE_ENV: 'production',
        ADMIN_EMAIL: 'ops@example.com',
        ADMIN_PASSWORD: 'archipelago-admin',
        HTTP_PORT: String(await freePort()),
      },
    });
    const error = await attempt.then(
      () => 'started',
      (e: Error) => e.message,
    );
    expect(error).toContain('exited with 1');
    expect(error).toContain('ADMIN_PASSWORD is a known default password');
  });
});
