import { freePort } from '@archipelago/platform-local-postgres';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import {
  createTestDatabase,
  kafkaBrokers,
  startWorkspaceProcess,
  type RunningProcess,
} from '@archipelago/testing-harness';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Fault test of the attestation workflow: the compiled registry as a real process on real Postgres
// (and Kafka unless TEST_KAFKA=off), SIGKILLed between the request and the decision, and again
// right after the decision (before its process manager may have updated the entity). A new process
// on the same database resumes: the claim is decided once, the entity records PENDING then
// ATTESTED exactly once each.
const OWNER = '4a1b2c3d-0000-4000-8000-00000000000a';
const REGISTRAR = '5b1b2c3d-0000-4000-8000-00000000000b';
let issuer: TestIssuer;
let admin: string;
let owner: string;
let registrar: string;
let service: RunningProcess | undefined;
let base: string;
let start: () => Promise<RunningProcess>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (path: string, token: string, init: RequestInit = {}) =>
  fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  }) as Promise<JsonResponse>;
const post = (path: string, token: string, body: unknown) =>
  http(path, token, { method: 'POST', body: JSON.stringify(body) });

beforeAll(async () => {
  issuer = await startTestIssuer();
  admin = await issuer.issue({ sub: '3a1b2c3d-0000-4000-8000-000000000009', roles: ['admin'], expiresInSec: 900 });
  owner = await issuer.issue({ sub: OWNER, roles: ['customer'], expiresInSec: 900 });
  registrar = await issuer.issue({ sub: REGISTRAR, roles: ['registrar'], expiresInSec: 900 });
  const httpPort = await freePort();
  const env = {
    SERVICE_NAME: 'registry',
    SYSTEM: 'registry',
    HTTP_PORT: String(httpPort),
    DATABASE_URL: await createTestDatabase('registry_attest_kill'),
    DB_SCHEMA: 'registry',
    ...(kafkaBrokers()
      ? { MESSAGING_TRANSPORT: 'kafka', KAFKA_BROKERS: kafkaBrokers() }
      : { MESSAGING_TRANSPORT: 'postgres' }),
    LOG_LEVEL: 'warn',
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
  };
  const entry = 'systems/registry/registry/src/main.ts';
  await startWorkspaceProcess({ name: 'registry migrate', entry, args: ['migrate'], env });
  start = () =>
    startWorkspaceProcess({ name: 'registry', entry, env, readyUrl: `http://127.0.0.1:${httpPort}/health/ready` });
  service = await start();
  base = `http://127.0.0.1:${httpPort}/registry/v1`;
  const created = await post('/schema/create_def', admin, {
    title: 'Diploma',
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' }, grade: { type: 'string' }, userId: { type: 'string' } },
    _osConfig: {
      ownershipAttributes: [{ userId: '/userId' }],
      attestationPolicies: [{ name: 'grade', properties: ['$.name', '$.grade'], attestorRoles: ['registrar'] }],
    },
  });
  expect(created.status).toBe(201);
  expect((await post('/schema/activate_def', admin, { id: (await created.json()).id })).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await issuer?.close();
});

describe('attestation workflow across SIGKILLs of the registry', () => {
  it('resumes after a SIGKILL between the request and the decision, and after one right after the decision', async () => {
    const made = await post('/entity/Diploma', admin, { name: 'Asha', grade: 'A', userId: OWNER });
    expect(made.status).toBe(201);
    const id = (await made.json()).id as string;
    const raised = await post(`/entity/Diploma/${id}/attestations`, owner, { policy: 'grade' });
    expect(raised.status).toBe(201);
    const claim = (await raised.json()).id as string;

    await service!.kill();
    service = await start();

    // The new process serves the claim from its stream and lists it once its projection caught up.
    await vi.waitFor(
      async () => {
        const inbox = await (await http('/claims?status=open', registrar)).json();
        expect(inbox.items.map((c: { id: string }) => c.id)).toContain(claim);
      },
      { timeout: 60_000, interval: 200 },
    );
    const attested = await post(`/claims/${claim}/attest`, registrar, { note: 'register checked' });
    expect(attested.status).toBe(200);

    await service.kill();
    service = await start();

    expect((await post(`/claims/${claim}/reject`, registrar, { note: 'twice' })).status).toBe(409);
    await vi.waitFor(
      async () => {
        const entity = await (await http(`/entity/Diploma/${id}`, owner)).json();
        expect(entity._osState).toEqual({ grade: 'ATTESTED' });
        expect(entity._osAttestedData).toEqual({ grade: { name: 'Asha', grade: 'A' } });
      },
      { timeout: 60_000, interval: 200 },
    );
    const history = await (await http(`/entity/Diploma/${id}/history`, owner)).json();
    expect(history.items.map((i: { type: string }) => i.type)).toEqual([
      'EntityCreated',
      'EntityAttestationRecorded',
      'EntityAttestationRecorded',
    ]);
  });
});
