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
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// End to end: the compiled registry service and the edge as real processes on real Postgres
// (and Kafka unless TEST_KAFKA=off); every request goes through the edge as a client sends it. A
// test issuer stands in for identity (its JWKS) and answers for the other upstreams of kong.yml.
let service: RunningProcess;
let edge: TestEdge;
let edgeUrl: string;
let issuer: TestIssuer;
let admin: string;
let customer: string;
let databaseUrl: string;

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
    // Ann proved her address: only a verified e-mail makes its holder the owner of entities naming it.
    emailVerified: true,
    expiresInSec: 900,
  });
  const [httpPort, edgePort] = await Promise.all([freePort(), freePort()]);
  const env = {
    SERVICE_NAME: 'registry',
    SYSTEM: 'registry',
    HTTP_PORT: String(httpPort),
    DATABASE_URL: (databaseUrl = await createTestDatabase('registry_e2e')),
    DB_SCHEMA: 'registry',
    ...testMessagingEnv(),
    LOG_LEVEL: 'warn',
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
  };
  service = await startMigratedService({ name: 'registry', entry: 'systems/registry/registry/src/main.ts', env });
  edge = await startTestEdge({
    port: edgePort,
    upstreams: { 'registry.registry:8080': `http://127.0.0.1:${httpPort}` },
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

describe('registry/registry through the edge', () => {
  it('creates, reads and lists an item, with a request id on every answer', async () => {
    const created = await http('/registry/v1/registry', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(admin) },
      body: JSON.stringify({ name: 'Through the edge' }),
    });
    expect(created.status).toBe(201);
    const item = await created.json();
    expect(created.headers.get('location')).toBe(`/registry/v1/registry/${item.id}`);
    expect(created.headers.get('x-request-id')).toBeTruthy();
    expect(await (await http(`/registry/v1/registry/${item.id}`, { headers: bearer(customer) })).json()).toEqual(item);
    await vi.waitFor(
      async () => {
        const page = await (await http('/registry/v1/registry?limit=100', { headers: bearer(customer) })).json();
        expect(page.items).toContainEqual(item);
      },
      { timeout: 20_000, interval: 100 },
    );
  });

  it('refuses requests without a token at the edge (401) and writes without the admin role (403)', async () => {
    expect((await http('/registry/v1/registry')).status).toBe(401);
    const write = await http('/registry/v1/registry', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(customer) },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(write.status).toBe(403);
    expect(write.headers.get('content-type')).toContain('application/problem+json');
  });
  it('publishes a Student schema, validates and activates it, then serves it, through the edge', async () => {
    // Daksha-RC's Student with `_osConfig` paths that name real properties (Daksha's own names some that do not exist).
    const student = {
      $schema: 'http://json-schema.org/draft-07/schema',
      title: 'Student',
      type: 'object',
      required: ['identityDetails'],
      properties: {
        identityDetails: {
          type: 'object',
          required: ['fullName'],
          properties: {
            fullName: { type: 'string' },
            dob: { type: 'string', format: 'date' },
            identityHolder: {
              type: 'object',
              properties: { type: { type: 'string' }, value: { type: 'string' } },
            },
          },
        },
        contactDetails: {
          type: 'object',
          properties: { email: { type: 'string', format: 'email' }, mobile: { type: 'string' } },
        },
      },
      _osConfig: {
        privateFields: ['$.identityDetails.identityHolder.value', '$.contactDetails.mobile'],
        indexFields: ['identityDetails.fullName'],
        uniqueIndexFields: ['contactDetails.email'],
        ownershipAttributes: [
          { email: '/contactDetails/email', mobile: '/contactDetails/mobile', userId: '/contactDetails/email' },
        ],
      },
    };
    const write = (path: string, body: unknown, method = 'POST') =>
      http(`/registry/v1/schema${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...bearer(admin) },
        body: JSON.stringify(body),
      });
    const created = await write('/create_def', student);
    expect(created.status).toBe(201);
    const id = '1bd23c91-3379-b65b-11cc-64984050e35c';
    expect(await created.json()).toEqual({ id, message: expect.any(String) });
    expect(created.headers.get('location')).toBe(`/registry/v1/schema/${id}`);
    expect(await (await write('/validate_def', { id })).json()).toMatchObject({ status: 'valid', problems: [] });
    expect(await (await write('/activate_def', { id })).json()).toMatchObject({ status: 'active', activeVersion: 1 });
    const revised = await write(`/${id}`, { ...student, required: [] }, 'PUT');
    expect(await revised.json()).toMatchObject({ status: 'draft', version: 2, activeVersion: 1 });
    const read = await http(`/registry/v1/schema/${id}`, { headers: bearer(customer) });
    expect(await read.json()).toMatchObject({ id, title: 'Student', status: 'draft', version: 2, activeVersion: 1 });
    expect((await http(`/registry/v1/schema/${id}/versions`, { headers: bearer(customer) })).status).toBe(200);
    expect((await write('/create_def', { ...student, title: 'STUDENT' })).status).toBe(409);
    expect((await http('/registry/v1/schema')).status).toBe(401);
  });

  it('self-registers without a token (public invite route), then the owner reads, lists and sees the history', async () => {
    const guest = {
      title: 'Guest',
      type: 'object',
      required: ['name', 'email'],
      properties: { name: { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' } },
      _osConfig: {
        privateFields: ['$.phone'],
        inviteRoles: ['anonymous'],
        ownershipAttributes: [{ email: '/email' }],
      },
    };
    const json = { 'content-type': 'application/json' };
    const created = await http('/registry/v1/schema/create_def', {
      method: 'POST',
      headers: { ...json, ...bearer(admin) },
      body: JSON.stringify(guest),
    });
    const { id: definitionId } = await created.json();
    const activated = await http('/registry/v1/schema/activate_def', {
      method: 'POST',
      headers: { ...json, ...bearer(admin) },
      body: JSON.stringify({ id: definitionId }),
    });
    expect(activated.status).toBe(200);
    const invited = await http('/registry/v1/entity/Guest/invite', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'Ann', email: 'ann@example.com', phone: '+100200300' }),
    });
    expect(invited.status).toBe(201);
    const { id, status } = await invited.json();
    expect(status).toBe('invited');
    // Guest is not a public type: a token-less read passes the edge and the service answers 401.
    const tokenless = await http(`/registry/v1/entity/Guest/${id}`);
    expect(tokenless.status).toBe(401);
    expect(tokenless.headers.get('www-authenticate')).toBe('Bearer realm="archipelago"');
    // Someone who registered Ann's address without verifying it is not its owner: 404, still invited.
    const squatter = await issuer.issue({
      sub: '2c8e6a1f-0000-4e5a-9f7c-00000000005a',
      roles: ['customer'],
      email: 'ann@example.com',
      emailVerified: false,
      expiresInSec: 900,
    });
    expect((await http(`/registry/v1/entity/Guest/${id}`, { headers: bearer(squatter) })).status).toBe(404);
    const read = await http(`/registry/v1/entity/Guest/${id}`, { headers: bearer(customer) });
    expect(await read.json()).toMatchObject({ id, status: 'active', version: 2, body: { phone: '+100200300' } });
    await vi.waitFor(
      async () => {
        const mine = await (await http('/registry/v1/entity/Guest', { headers: bearer(customer) })).json();
        expect(mine.items).toEqual([expect.objectContaining({ id, status: 'active' })]);
      },
      { timeout: 20_000, interval: 100 },
    );
    const history = await (await http(`/registry/v1/entity/Guest/${id}/history`, { headers: bearer(customer) })).json();
    expect(history.items.map((i: { type: string }) => i.type)).toEqual(['EntityInvited', 'EntityInvitationAccepted']);
    expect(JSON.stringify(history)).not.toContain('+100200300');
  });

  it('keeps private fields only encrypted at rest, shows them to the owner, and erases them on DELETE (crypto-shredding)', async () => {
    const DIAGNOSIS = 'diagnosis-e2e-Zq81-confidential';
    const json = { 'content-type': 'application/json' };
    const created = await http('/registry/v1/schema/create_def', {
      method: 'POST',
      headers: { ...json, ...bearer(admin) },
      body: JSON.stringify({
        title: 'Patient',
        type: 'object',
        required: ['name', 'email'],
        properties: { name: { type: 'string' }, email: { type: 'string' }, diagnosis: { type: 'string' } },
        _osConfig: { privateFields: ['$.diagnosis'], ownershipAttributes: [{ email: '/email' }] },
      }),
    });
    const { id: definitionId } = await created.json();
    const activate = {
      method: 'POST',
      headers: { ...json, ...bearer(admin) },
      body: JSON.stringify({ id: definitionId }),
    };
    expect((await http('/registry/v1/schema/activate_def', activate)).status).toBe(200);
    const made = await http('/registry/v1/entity/Patient', {
      method: 'POST',
      headers: { ...json, ...bearer(admin) },
      body: JSON.stringify({ name: 'Ann', email: 'ann@example.com', diagnosis: DIAGNOSIS }),
    });
    expect(made.status).toBe(201);
    const { id } = await made.json();
    const asOwner = await (await http(`/registry/v1/entity/Patient/${id}`, { headers: bearer(customer) })).json();
    expect(asOwner.body).toEqual({ name: 'Ann', email: 'ann@example.com', diagnosis: DIAGNOSIS });
    await vi.waitFor(
      async () => {
        const found = await http('/registry/v1/entity/Patient/search', {
          method: 'POST',
          headers: { ...json, ...bearer(admin) },
          body: JSON.stringify({ filters: { name: { eq: 'Ann' } } }),
        });
        expect((await found.json()).items).toEqual([
          expect.objectContaining({ id, body: { name: 'Ann', email: 'ann@example.com' } }),
        ]);
      },
      { timeout: 20_000, interval: 100 },
    );
    const db = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    try {
      const raw = async () =>
        (
          await db.query<{ t: string }>(
            `SELECT string_agg(t, E'\n') AS t FROM (
               SELECT e::text AS t FROM "registry".events e UNION ALL SELECT o::text FROM "registry".outbox o
               UNION ALL SELECT s::text FROM "registry".entity_search s) x`,
          )
        ).rows[0]!.t;
      expect(await raw()).toContain(id);
      expect(await raw()).not.toContain(DIAGNOSIS);
      expect(
        (await http(`/registry/v1/entity/Patient/${id}`, { method: 'DELETE', headers: bearer(admin) })).status,
      ).toBe(204);
      expect((await http(`/registry/v1/entity/Patient/${id}`, { headers: bearer(customer) })).status).toBe(404);
      const key = await db.query(
        `SELECT wrapped_key, shredded_at FROM "registry".entity_data_key WHERE entity_id = $1`,
        [id],
      );
      expect(key.rows).toEqual([{ wrapped_key: null, shredded_at: expect.any(Date) }]);
      expect(await raw()).not.toContain(DIAGNOSIS);
    } finally {
      await db.end();
    }
    // The service's log lines (the 404 after the delete is logged at warn) never carry the value.
    expect(service.output()).toContain(`/registry/v1/entity/Patient/${id}`);
    expect(service.output()).not.toContain(DIAGNOSIS);
  });
  it('lets a custom role create, the owner patch their own entity, others 404, and anyone write a public type', async () => {
    const json = { 'content-type': 'application/json' };
    const send = (method: string, path: string, token: string | undefined, body?: unknown) =>
      http(`/registry/v1${path}`, {
        method,
        headers: { ...(body === undefined ? {} : json), ...(token ? bearer(token) : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const publish = async (schema: object) => {
      const { id } = await (await send('POST', '/schema/create_def', admin, schema)).json();
      expect((await send('POST', '/schema/activate_def', admin, { id })).status).toBe(200);
    };
    await publish({
      title: 'Lease',
      type: 'object',
      required: ['flat', 'email'],
      properties: { flat: { type: 'string' }, email: { type: 'string' }, rent: { type: 'integer' } },
      _osConfig: { roles: ['clerk'], ownershipAttributes: [{ email: '/email' }] },
    });
    await publish({
      title: 'Sighting',
      type: 'object',
      required: ['bird'],
      properties: { bird: { type: 'string' } },
      _osConfig: { roles: ['anonymous'] },
    });
    const clerk = await issuer.issue({
      sub: '7a7a7a7a-0000-4000-8000-00000000000c',
      roles: ['clerk'],
      expiresInSec: 900,
    });
    const bob = await issuer.issue({
      sub: '7a7a7a7a-0000-4000-8000-00000000000b',
      roles: ['customer'],
      email: 'bob@example.com',
      expiresInSec: 900,
    });
    expect((await send('POST', '/entity/Lease', customer, { flat: '1A', email: 'ann@example.com' })).status).toBe(403);
    const made = await send('POST', '/entity/Lease', clerk, { flat: '1A', email: 'ann@example.com', rent: 900 });
    expect(made.status).toBe(201);
    const { id } = await made.json();
    const patched = await send('PATCH', `/entity/Lease/${id}`, customer, { rent: 950 });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ version: 2, body: { flat: '1A', rent: 950 } });
    expect((await send('PATCH', `/entity/Lease/${id}`, bob, { rent: 1 })).status).toBe(404);
    expect((await send('PATCH', `/entity/Lease/${id}`, customer, { email: 'bob@example.com' })).status).toBe(403);
    const anonymous = await send('PATCH', `/entity/Lease/${id}`, undefined, { rent: 1 });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="archipelago"');
    // A public type: no token needed to write, read, list or search.
    const sighted = await send('POST', '/entity/Sighting', undefined, { bird: 'Kingfisher' });
    expect(sighted.status).toBe(201);
    const sighting = await sighted.json();
    expect((await send('PATCH', `/entity/Sighting/${sighting.id}`, undefined, { bird: 'Heron' })).status).toBe(200);
    const read = await send('GET', `/entity/Sighting/${sighting.id}`, undefined);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: sighting.id, body: { bird: 'Heron' } });
    await vi.waitFor(
      async () => {
        const found = await send('POST', '/entity/Sighting/search', undefined, { filters: { bird: { eq: 'Heron' } } });
        expect(found.status).toBe(200);
        expect(await found.json()).toMatchObject({ totalCount: 1, items: [{ id: sighting.id }] });
      },
      { timeout: 20_000, interval: 200 },
    );
    const listed = await send('GET', '/entity/Sighting', undefined);
    expect(listed.status).toBe(200);
    expect((await listed.json()).items.map((i: { id: string }) => i.id)).toEqual([sighting.id]);
    // A private type without a token: 401 for a read, a list and a search (through the edge).
    expect((await send('GET', `/entity/Lease/${id}`, undefined)).status).toBe(401);
    expect((await send('GET', '/entity/Lease', undefined)).status).toBe(401);
    expect((await send('POST', '/entity/Lease/search', undefined, {})).status).toBe(401);
    // The history stays behind the edge's token check.
    expect((await send('GET', `/entity/Sighting/${sighting.id}/history`, undefined)).status).toBe(401);
    // Deactivation: managers only (the owner 404, no token 401); a public type's anyone, token-less.
    expect((await send('POST', `/entity/Lease/${id}/deactivate`, customer)).status).toBe(404);
    expect((await send('POST', `/entity/Lease/${id}/deactivate`, undefined)).status).toBe(401);
    const deactivated = await send('POST', `/entity/Lease/${id}/deactivate`, clerk);
    expect(deactivated.status).toBe(200);
    expect(await deactivated.json()).toMatchObject({ status: 'deactivated', version: 3 });
    expect((await send('PATCH', `/entity/Lease/${id}`, customer, { rent: 1 })).status).toBe(409);
    const paused = await send('POST', `/entity/Sighting/${sighting.id}/deactivate`, undefined);
    expect(paused.status).toBe(200);
    const resumed = await send('POST', `/entity/Sighting/${sighting.id}/activate`, undefined);
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toMatchObject({ status: 'active' });
  });
});
