import { freePort } from '@archipelago/platform-local-postgres';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import {
  createTestDatabase,
  startMigratedService,
  startTestEdge,
  testMessagingEnv,
  type RunningProcess,
  type TestEdge,
} from '@archipelago/testing-harness';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// End to end: the compiled credentials service and the edge as real processes on real Postgres
// (and Kafka unless TEST_KAFKA=off); every request goes through the edge as a client sends it. A
// test issuer stands in for identity (its JWKS) and answers for the other upstreams of kong.yml.
let service: RunningProcess;
let edge: TestEdge;
let edgeUrl: string;
let issuer: TestIssuer;
let admin: string;
let customer: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (path: string, init?: RequestInit) => fetch(`${edgeUrl}${path}`, init) as Promise<JsonResponse>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  issuer = await startTestIssuer();
  admin = await issuer.issue({
    sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f',
    roles: ['admin'],
    email: 'admin@archipelago.local',
    expiresInSec: 900,
  });
  customer = await issuer.issue({
    sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f',
    roles: ['customer'],
    email: 'ann@example.com',
    expiresInSec: 900,
  });
  const [httpPort, edgePort] = await Promise.all([freePort(), freePort()]);
  const env = {
    SERVICE_NAME: 'credentials',
    SYSTEM: 'registry',
    HTTP_PORT: String(httpPort),
    DATABASE_URL: await createTestDatabase('registry_e2e'),
    DB_SCHEMA: 'credentials',
    ...testMessagingEnv(),
    LOG_LEVEL: 'warn',
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    CREDENTIALS_KEYS_DIR: await mkdtemp(join(tmpdir(), 'issuer-keys-')),
  };
  service = await startMigratedService({ name: 'credentials', entry: 'systems/registry/credentials/src/main.ts', env });
  edge = await startTestEdge({
    port: edgePort,
    upstreams: { 'credentials.registry:8080': `http://127.0.0.1:${httpPort}` },
    standIn: issuer.url,
    jwksUrl: issuer.jwksUrl,
  });
  edgeUrl = edge.url;
});

afterAll(async () => {
  await edge?.stop();
  await service?.stop();
  await issuer?.close();
});

describe('registry/credentials through the edge', () => {
  it('serves the did:web document, the status list and verification publicly', async () => {
    const did = await http('/.well-known/did.json');
    expect(did.status).toBe(200);
    const document = await did.json();
    expect(document.id).toBe('did:web:localhost%3A8000');
    expect(document.verificationMethod[0]).toMatchObject({ type: 'JsonWebKey', publicKeyJwk: { crv: 'P-256' } });
    const list = await http('/registry/v1/credentials/status/1');
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toContain('application/vc+jwt');
    const listJwt = await list.text();
    // The suspension list (Bitstring Status List v1.0 statusPurpose suspension) is public on the same route.
    const suspension = await http('/registry/v1/credentials/status/2', { headers: { accept: 'application/json' } });
    expect(suspension.status).toBe(200);
    expect((await suspension.json()).credentialSubject).toMatchObject({ statusPurpose: 'suspension' });
    expect((await http('/registry/v1/credentials/status/3')).status).toBe(404);
    // A status list credential is signed by the issuer but is not revocable itself: it verifies.
    const verified = await http('/registry/v1/credentials/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/vc+jwt' },
      body: listJwt,
    });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ valid: true });
    const notOne = await http('/registry/v1/credentials/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential: 'not-a-credential' }),
    });
    expect(notOne.status).toBe(400);
    expect(notOne.headers.get('x-request-id')).toBeTruthy();
  });

  it('needs a token to issue or read (401 at the edge), the manager role to issue (403), a known entity (404)', async () => {
    expect((await http('/registry/v1/credentials')).status).toBe(401);
    const body = JSON.stringify({ entityType: 'Teacher', entityId: '5e0c3b8a-2f4d-4c6e-9a1b-7d8e9f0a1b2c' });
    const write = await http('/registry/v1/credentials', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(customer) },
      body,
    });
    expect(write.status).toBe(403);
    expect(write.headers.get('content-type')).toContain('application/problem+json');
    const unknown = await http('/registry/v1/credentials', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(admin) },
      body,
    });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).code).toBe('CREDENTIAL.ENTITY_UNKNOWN');
    expect((await (await http('/registry/v1/credentials', { headers: bearer(customer) })).json()).items).toEqual([]);
  });
});
