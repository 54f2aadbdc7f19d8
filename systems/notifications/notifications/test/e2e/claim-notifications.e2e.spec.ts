import { freePort, startLocalPostgres, type LocalPostgres } from '@archipelago/platform-local-postgres';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { startMigratedService, startTestEdge, testMessagingEnv, type RunningProcess } from '@archipelago/testing-harness';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Issue 17 "ClaimRaisedV1 → attestors", for attestor entities, end to end: the compiled registry and
// notifications services and the edge as real processes, one database per system on a Postgres
// server of this test's own (the postgres transport reads the registry's outbox from the database
// named after it), Kafka unless TEST_KAFKA=off. A teacher asks that their employment be attested by
// the school they name; the school's owner (no attestor role) finds the claim in their
// notifications inbox, through the edge; the requester and the other school's owner get nothing.
// (E-mail is not checked here: without identity, notifications knows no user's address.)
// Issue 14 §5 downstream: an invitation's address, once the registry deletes the entity, is in no
// table of the notifications database either (EntityDeletedV1 → erasure).
const PRINCIPAL = { sub: 'f1f1f1f1-0000-4000-8000-00000000e2e1', email: 'principal@example.com' };
const OTHER_PRINCIPAL = { sub: 'f2f2f2f2-0000-4000-8000-00000000e2e2', email: 'other@example.com' };
const TEACHER = { sub: 'f3f3f3f3-0000-4000-8000-00000000e2e3', email: 'teacher@example.com' };
const ENTRY = {
  registry: 'systems/registry/registry/src/main.ts',
  notifications: 'systems/notifications/notifications/src/main.ts',
} as const;

let postgres: LocalPostgres;
let issuer: TestIssuer;
const processes: RunningProcess[] = [];
let edgeUrl: string;
let tokens: { admin: string; principal: string; other: string; teacher: string };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (path: string, token: string, init: RequestInit = {}) =>
  fetch(`${edgeUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  }) as Promise<JsonResponse>;
const post = (path: string, token: string, body: unknown) =>
  http(path, token, { method: 'POST', body: JSON.stringify(body) });

beforeAll(async () => {
  [postgres, issuer] = await Promise.all([startLocalPostgres({ dataDir: 'tmp' }), startTestIssuer()]);
  const token = (user: { sub: string; email: string }, roles = ['customer']) =>
    issuer.issue({ ...user, roles, expiresInSec: 900 });
  tokens = {
    admin: await token({ sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f', email: 'admin@archipelago.local' }, ['admin']),
    principal: await token(PRINCIPAL),
    other: await token(OTHER_PRINCIPAL),
    teacher: await token(TEACHER),
  };
  const ports = { registry: await freePort(), notifications: await freePort(), edge: await freePort() };
  const env = (system: keyof typeof ENTRY): Record<string, string> => ({
    SERVICE_NAME: system,
    SYSTEM: system,
    HOST: '127.0.0.1',
    HTTP_PORT: String(ports[system]),
    DATABASE_URL: postgres.url(system),
    DB_SCHEMA: system,
    ...testMessagingEnv(),
    LOG_LEVEL: 'warn',
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
  });
  for (const system of ['registry', 'notifications'] as const) {
    await postgres.ensureDatabase(system);
    processes.push(await startMigratedService({ name: system, entry: ENTRY[system], env: env(system) }));
  }
  const edge = await startTestEdge({
    port: ports.edge,
    upstreams: {
      'registry.registry:8080': `http://127.0.0.1:${ports.registry}`,
      'notifications.notifications:8080': `http://127.0.0.1:${ports.notifications}`,
    },
    standIn: issuer.url,
    jwksUrl: issuer.jwksUrl,
  });
  processes.push(edge.process);
  edgeUrl = edge.url;
}, 240_000);

afterAll(async () => {
  for (const process of processes.reverse()) await process.stop();
  await Promise.allSettled([issuer?.close(), postgres?.stop()]);
});

describe('registry claim → notifications, through the edge', () => {
  it("tells the attestor school's owner of a teacher's claim in their inbox; nobody else", async () => {
    const define = async (schema: object) => {
      const created = await post('/registry/v1/schema/create_def', tokens.admin, schema);
      expect(created.status).toBe(201);
      const { id } = await created.json();
      expect((await post('/registry/v1/schema/activate_def', tokens.admin, { id })).status).toBe(200);
    };
    await define({
      title: 'School',
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, principalId: { type: 'string' } },
      _osConfig: { ownershipAttributes: [{ userId: '/principalId' }] },
    });
    await define({
      title: 'Teacher',
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, schoolOSID: { type: 'string' }, userId: { type: 'string' } },
      _osConfig: {
        ownershipAttributes: [{ userId: '/userId' }],
        attestationPolicies: [
          {
            name: 'employment',
            properties: ['$.name', '$.schoolOSID'],
            attestorPlugin: 'did:internal:ClaimPluginActor?entity=School',
            conditions: '(ATTESTOR#$.osid#.contains(REQUESTER#$.schoolOSID#))',
          },
        ],
      },
    });
    const create = async (type: string, body: object) => {
      const res = await post(`/registry/v1/entity/${type}`, tokens.admin, body);
      expect(res.status).toBe(201);
      return (await res.json()).id as string;
    };
    const school = await create('School', { name: 'GHS Mysuru', principalId: PRINCIPAL.sub });
    await create('School', { name: 'GHS Hassan', principalId: OTHER_PRINCIPAL.sub });
    const teacher = await create('Teacher', { name: 'Ravi', schoolOSID: school, userId: TEACHER.sub });

    const raised = await post(`/registry/v1/entity/Teacher/${teacher}/attestations`, tokens.teacher, {
      policy: 'employment',
    });
    expect(raised.status).toBe(201);
    const claim = await raised.json();

    const inbox = async (token: string) =>
      (await (await http('/notifications/v1/notifications', token)).json()).items as Array<Record<string, unknown>>;
    const item = await vi.waitFor(
      async () => {
        const found = (await inbox(tokens.principal)).find((n) => n.link === `/registry/v1/claims/${claim.id}`);
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 60_000, interval: 250 },
    );
    expect(item).toMatchObject({
      category: 'attestation',
      title: 'Attestation requested',
      read: false,
      data: { claimId: claim.id, entityType: 'Teacher', entityId: teacher, policy: 'employment' },
    });
    // The link opens the claim for them, through the edge.
    expect((await http(`/registry/v1/claims/${claim.id}`, tokens.principal)).status).toBe(200);
    expect(await inbox(tokens.other)).toEqual([]);
    expect(await inbox(tokens.teacher)).toEqual([]);
  });
});

describe('registry entity deletion → notifications erasure', () => {
  it("erases the invitee's address from every notifications table once the entity is deleted", async () => {
    const ADDRESS = 'kim.erasure-e2e@example.com';
    const created = await post('/registry/v1/schema/create_def', tokens.admin, {
      title: 'Patient',
      type: 'object',
      required: ['name', 'email'],
      properties: { name: { type: 'string' }, email: { type: 'string' } },
      _osConfig: { privateFields: ['$.email'], inviteRoles: ['admin'], ownershipAttributes: [{ email: '/email' }] },
    });
    expect(created.status).toBe(201);
    const { id: definitionId } = await created.json();
    expect((await post('/registry/v1/schema/activate_def', tokens.admin, { id: definitionId })).status).toBe(200);
    const invited = await post('/registry/v1/entity/Patient/invite', tokens.admin, { name: 'Kim', email: ADDRESS });
    expect(invited.status).toBe(201);
    const { id } = await invited.json();

    const db = new pg.Pool({ connectionString: postgres.url('notifications'), max: 1 });
    try {
      const invitation = async () =>
        (
          await db.query<{ recipient_id: string; status: string }>(
            `SELECT n.recipient_id, d.status FROM notifications.notifications n
             JOIN notifications.deliveries d ON d.notification_id = n.id WHERE n.data->>'entityId' = $1`,
            [id],
          )
        ).rows;
      await vi.waitFor(
        async () => expect(await invitation()).toEqual([{ recipient_id: `mailto:${ADDRESS}`, status: 'pending' }]),
        {
          timeout: 60_000,
          interval: 250,
        },
      );
      const deleted = await http(`/registry/v1/entity/Patient/${id}`, tokens.admin, { method: 'DELETE' });
      expect(deleted.status).toBe(204);
      await vi.waitFor(
        async () =>
          expect(await invitation()).toEqual([
            { recipient_id: expect.stringMatching(/^erased:/), status: 'cancelled' },
          ]),
        { timeout: 60_000, interval: 250 },
      );
      const { rows: tables } = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'notifications' AND table_type = 'BASE TABLE'`,
      );
      expect(tables.length).toBeGreaterThan(5);
      for (const { table_name } of tables) {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM notifications."${table_name}" t WHERE t::text ILIKE $1`,
          [`%${ADDRESS}%`],
        );
        expect(rows[0]!.n, table_name).toBe(0);
      }
    } finally {
      await db.end();
    }
  });
});
