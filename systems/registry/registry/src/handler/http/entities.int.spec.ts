import 'reflect-metadata';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REGISTRY_DOMAIN_ERRORS, RegistryModule } from '../../registry.module.js';
import { migrateRegistry } from '../../repository/registry.data-source.js';
import { RegistryInfrastructure } from '../../repository/registry.infrastructure.js';

// Component test of the entities API over HTTP on real Postgres: create, read as owner / manager /
// someone else, ETag and If-Match, PUT, PATCH (RFC 7396), DELETE, validation errors, uniqueness.
const OWNER = 'b1b1b1b1-0000-4000-8000-000000000003';
const SECRET = 'ID-998877';
let issuer: TestIssuer;
let admin: string;
let owner: string;
let stranger: string;
let app: NestFastifyApplication;
let infrastructure: RegistryInfrastructure;
let root: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (
  path: string,
  token: string,
  init: RequestInit & { body?: string } = {},
  headers: Record<string, string> = {},
) =>
  fetch(`${root}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
  }) as Promise<JsonResponse>;

beforeAll(async () => {
  issuer = await startTestIssuer();
  admin = await issuer.issue({ sub: 'a0a0a0a0-0000-4000-8000-000000000001', roles: ['admin'], expiresInSec: 900 });
  owner = await issuer.issue({ sub: OWNER, roles: ['customer'], expiresInSec: 900 });
  stranger = await issuer.issue({
    sub: 'c0c0c0c0-0000-4000-8000-000000000002',
    roles: ['customer'],
    expiresInSec: 900,
  });
  const url = await createTestDatabase('registry_entities_http');
  await migrateRegistry(url, 'registry');
  infrastructure = await RegistryInfrastructure.open({ databaseUrl: url, schema: 'registry', transport: 'postgres' });
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience, jwksCooldownMs: 0 };
  app = await createHttpApp(RegistryModule.forRoot(infrastructure, auth), {
    serviceName: 'registry',
    config: { SERVICE_NAME: 'registry', SYSTEM: 'registry', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'warn' },
    domainErrors: REGISTRY_DOMAIN_ERRORS,
    readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
    openapi: { title: 'registry', version: '1' },
  });
  await infrastructure.start();
  await app.listen(0, '127.0.0.1');
  root = `${await app.getUrl()}/registry/v1`.replace('[::1]', '127.0.0.1');
  const schema = {
    title: 'Student',
    type: 'object',
    required: ['name', 'email'],
    properties: {
      name: { type: 'string', minLength: 1 },
      email: { type: 'string' },
      nationalId: { type: 'string' },
      userId: { type: 'string' },
      age: { type: 'integer', minimum: 0 },
    },
    additionalProperties: false,
    _osConfig: {
      privateFields: ['$.nationalId'],
      uniqueIndexFields: ['email'],
      ownershipAttributes: [{ userId: '/userId' }],
    },
  };
  const created = await http('/schema/create_def', admin, { method: 'POST', body: JSON.stringify(schema) });
  const { id } = await created.json();
  expect((await http('/schema/activate_def', admin, { method: 'POST', body: JSON.stringify({ id }) })).status).toBe(
    200,
  );
}, 120_000);

afterAll(async () => {
  await app?.close();
  await issuer?.close();
});

const create = (body: unknown) => http('/entity/Student', admin, { method: 'POST', body: JSON.stringify(body) });

describe('entities API (/registry/v1/entity)', () => {
  it('creates an entity (201, Location, ETag) and shows private fields to its owner and managers only', async () => {
    const res = await create({ name: 'Asha', email: 'asha@example.com', nationalId: SECRET, userId: OWNER });
    expect(res.status).toBe(201);
    const entity = await res.json();
    expect(entity).toMatchObject({ type: 'Student', status: 'active', version: 1, body: { nationalId: SECRET } });
    expect(entity.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(res.headers.get('location')).toBe(`/registry/v1/entity/Student/${entity.id}`);
    expect(res.headers.get('etag')).toBe('"1"');
    const asOwner = await http(`/entity/student/${entity.id}`, owner);
    expect(asOwner.status).toBe(200);
    expect((await asOwner.json()).body.nationalId).toBe(SECRET);
    const asStranger = await http(`/entity/Student/${entity.id}`, stranger);
    expect(asStranger.status).toBe(404);
    expect(await asStranger.text()).not.toContain(SECRET);
  });

  it('replaces, merge-patches and deletes with If-Match; a stale ETag is 412; after delete GET and DELETE are 404', async () => {
    const { id } = await (await create({ name: 'Ravi', email: 'ravi@example.com', age: 20 })).json();
    const put = await http(
      `/entity/Student/${id}`,
      admin,
      { method: 'PUT', body: JSON.stringify({ name: 'Ravi K', email: 'ravi@example.com' }) },
      { 'if-match': '"1"' },
    );
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe('"2"');
    expect((await put.json()).body).toEqual({ name: 'Ravi K', email: 'ravi@example.com' });
    const stale = await http(
      `/entity/Student/${id}`,
      admin,
      { method: 'PATCH', body: JSON.stringify({ age: 21 }) },
      { 'if-match': '"1"' },
    );
    expect(stale.status).toBe(412);
    const patch = await http(
      `/entity/Student/${id}`,
      admin,
      { method: 'PATCH', body: JSON.stringify({ age: 21, name: 'Ravi Kumar' }) },
      // RFC 7396's own media type, as merge-patch clients send it.
      { 'if-match': '"2"', 'content-type': 'application/merge-patch+json' },
    );
    expect(patch.status).toBe(200);
    expect((await patch.json()).body).toEqual({ name: 'Ravi Kumar', email: 'ravi@example.com', age: 21 });
    expect((await http(`/entity/Student/${id}`, admin, { method: 'DELETE' }, { 'if-match': '"3"' })).status).toBe(204);
    expect((await http(`/entity/Student/${id}`, admin)).status).toBe(404);
    expect((await http(`/entity/Student/${id}`, admin, { method: 'DELETE' })).status).toBe(404);
  });

  it('lists each bad field by JSON Pointer (400) and refuses a taken unique value (409), writing nothing', async () => {
    const count = async () =>
      (await infrastructure.pool.query(`SELECT count(*)::int AS n FROM "registry".events`)).rows[0].n;
    const before = await count();
    const bad = await create({ name: '', age: -1, extra: true });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(await bad.json())).toContain('/age');
    expect((await create({ name: 'Dup', email: 'asha@example.com' })).status).toBe(409);
    expect(await count()).toBe(before);
  });

  it('answers 404 for an unknown type, 400 for a malformed id, 403 for a write without the admin role', async () => {
    expect((await http('/entity/Nope', admin, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await http('/entity/Student/not-a-uuid', admin)).status).toBe(400);
    expect((await http('/entity/Student', owner, { method: 'POST', body: '{"name":"x","email":"x@y"}' })).status).toBe(
      403,
    );
  });
  it('searches by nested and operator filters with bound values; never returns private fields; 400 for unknown fields, 403 for non-managers', async () => {
    for (const [name, age] of [
      ['Searchable One', 30],
      ['Searchable Two', 40],
      ['Other', 50],
    ] as const) {
      await create({ name, email: `${name.replace(/ /g, '.')}@search.example`, age, nationalId: SECRET });
    }
    const search = (body: unknown, token = admin) =>
      http('/entity/Student/search', token, { method: 'POST', body: JSON.stringify(body) });
    await vi.waitFor(
      async () => {
        // All three projected (the last one created too), not only the two the next query expects.
        const page = await (await search({ filters: { email: { endsWith: '@search.example' } } })).json();
        expect(page.totalCount).toBe(3);
      },
      { timeout: 20_000, interval: 100 },
    );
    const ranged = await (await search({ filters: { name: { startsWith: 'Searchable' }, age: { gte: 35 } } })).json();
    expect(ranged.items.map((i: { body: { name: string } }) => i.body.name)).toEqual(['Searchable Two']);
    const all = await (await search({ filters: { email: { endsWith: '@search.example' } }, limit: 10 })).json();
    expect(all.totalCount).toBe(3);
    expect(JSON.stringify(all)).not.toContain(SECRET);
    const injection = await (await search({ filters: { name: { eq: "x' OR '1'='1" } } })).json();
    expect(injection.totalCount).toBe(0);
    expect((await search({ filters: { nationalId: { eq: SECRET } } })).status).toBe(400);
    expect((await search({ filters: { 'name; DROP TABLE x': { eq: 'a' } } })).status).toBe(400);
    expect((await search({ filters: { name: { like: 'a' } } })).status).toBe(400);
    expect((await search({ filters: {} }, stranger)).status).toBe(403);
    const plain = await infrastructure.pool.query(
      `SELECT count(*)::int AS n FROM "registry".entity_search WHERE body::text LIKE $1`,
      [`%${SECRET}%`],
    );
    expect(plain.rows[0].n).toBe(0);
  });
  it('answers hostile or malformed bodies on every registry write with a 4xx, never a 5xx', async () => {
    const bodies = [
      'null',
      '"text"',
      '42',
      '[]',
      '{"a":',
      JSON.stringify({ name: { $ref: '#/x' } }),
      '{"__proto__":{"x":1}}',
    ];
    const { id } = await (await create({ name: 'Target', email: 'target@example.com' })).json();
    const targets: [string, string][] = [
      ['POST', '/schema/create_def'],
      ['PUT', '/schema/1bd23c91-3379-b65b-11cc-64984050e35c'],
      ['POST', '/schema/validate_def'],
      ['POST', '/entity/Student'],
      ['PUT', `/entity/Student/${id}`],
      ['PATCH', `/entity/Student/${id}`],
      ['POST', '/entity/Student/search'],
    ];
    for (const [method, path] of targets) {
      for (const body of bodies) {
        const res = await http(path, admin, { method, body });
        expect(res.status, `${method} ${path} ${body}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path} ${body}`).toBeLessThan(500);
      }
    }
    const res = await http(`/entity/Student/${id}`, admin, { method: 'PATCH', body: '{}' }, { 'if-match': 'W/"x"' });
    expect(res.status).toBe(400);
  });
});
