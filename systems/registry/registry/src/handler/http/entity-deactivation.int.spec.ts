import { REGISTRY_EVENTS } from '@archipelago/registry-contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRegistryTestApp, type RegistryTestApp } from '../../../test/registry-test-app.js';

// Component test over HTTP on real Postgres of deactivation (issue 14 §3): only managers of the type
// deactivate (owners and others 404, 401 without a token); a deactivated entity stays readable and
// listed with its status, refuses PUT/PATCH (409), can be reactivated by managers and still be deleted.
// Each transition writes its integration event (EntityDeactivatedV1 / EntityReactivatedV1) to the
// outbox in the transaction of the domain event, naming the entity only (no private field).
const ASHA = { sub: 'c5c5c5c5-0000-4000-8000-000000000001', email: 'asha@example.com', emailVerified: true };
let registry: RegistryTestApp;
let admin: string;
let clerk: string;
let asha: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const send = (method: string, path: string, token: string | undefined, body?: unknown, headers = {}) =>
  fetch(`${registry.root}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }) as Promise<JsonResponse>;

beforeAll(async () => {
  registry = await startRegistryTestApp('registry_entity_deactivation');
  admin = await registry.token('c0c0c0c0-0000-4000-8000-00000000000a', ['admin']);
  clerk = await registry.token('c0c0c0c0-0000-4000-8000-00000000000c', ['clerk']);
  asha = await registry.issuer.issue({ ...ASHA, roles: ['customer'], expiresInSec: 900 });
  const { id } = await (
    await send('POST', '/schema/create_def', admin, {
      title: 'Licence',
      type: 'object',
      required: ['name', 'email'],
      properties: { name: { type: 'string', minLength: 1 }, email: { type: 'string' } },
      additionalProperties: false,
      _osConfig: { roles: ['clerk'], ownershipAttributes: [{ email: '/email' }] },
    })
  ).json();
  expect((await send('POST', '/schema/activate_def', admin, { id })).status).toBe(200);
  const permit = await (
    await send('POST', '/schema/create_def', admin, {
      title: 'Permit',
      type: 'object',
      required: ['name', 'nationalId'],
      properties: { name: { type: 'string' }, nationalId: { type: 'string' }, note: { type: 'string' } },
      _osConfig: { roles: ['clerk'], privateFields: ['$.nationalId'], internalFields: ['$.note'] },
    })
  ).json();
  expect((await send('POST', '/schema/activate_def', admin, { id: permit.id })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await registry?.close();
});

const licence = async () => {
  const res = await send('POST', '/entity/Licence', clerk, { name: 'Asha', email: ASHA.email });
  expect(res.status).toBe(201);
  return (await res.json()).id as string;
};

describe('POST /registry/v1/entity/{type}/{id}/deactivate', () => {
  it('lets a manager deactivate: 200 the entity deactivated at a new version with its ETag; again → 409 naming the status', async () => {
    const id = await licence();
    const res = await send('POST', `/entity/Licence/${id}/deactivate`, clerk);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"2"');
    expect(await res.json()).toMatchObject({ id, status: 'deactivated', version: 2, body: { name: 'Asha' } });
    const again = await send('POST', `/entity/Licence/${id}/deactivate`, admin);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    const problem = await again.json();
    expect(problem.code).toBe('ENTITY.TRANSITION_NOT_ALLOWED');
    expect(problem.detail).toContain('deactivated');
  });

  it('answers 412 to a stale If-Match and deactivates with the current one', async () => {
    const id = await licence();
    const stale = await send('POST', `/entity/Licence/${id}/deactivate`, clerk, undefined, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    const ok = await send('POST', `/entity/Licence/${id}/deactivate`, clerk, undefined, { 'if-match': '"1"' });
    expect(ok.status).toBe(200);
  });

  it('answers 404 to the owner and to an unknown id, 401 without a token', async () => {
    const id = await licence();
    expect((await send('POST', `/entity/Licence/${id}/deactivate`, asha)).status).toBe(404);
    const anonymous = await send('POST', `/entity/Licence/${id}/deactivate`, undefined);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="archipelago"');
    const unknown = '01890000-0000-7000-8000-000000000000';
    expect((await send('POST', `/entity/Licence/${unknown}/deactivate`, clerk)).status).toBe(404);
    expect((await send('POST', `/entity/Nobody/${id}/deactivate`, admin)).status).toBe(404);
    expect(await (await send('GET', `/entity/Licence/${id}`, clerk)).json()).toMatchObject({ status: 'active' });
  });

  it('keeps a deactivated entity readable and listed by its owner, refuses PUT/PATCH (409), lets a manager reactivate (then writable) and delete it', async () => {
    const id = await licence();
    expect((await send('POST', `/entity/Licence/${id}/deactivate`, clerk)).status).toBe(200);
    expect(await (await send('GET', `/entity/Licence/${id}`, asha)).json()).toMatchObject({ status: 'deactivated' });
    for (const [method, token] of [
      ['PATCH', clerk],
      ['PUT', clerk],
      ['PATCH', asha],
    ] as const) {
      const res = await send(method, `/entity/Licence/${id}`, token, { name: 'Changed', email: ASHA.email });
      expect(res.status).toBe(409);
    }
    await vi.waitFor(
      async () => {
        const mine = await (await send('GET', '/entity/Licence', asha)).json();
        expect(mine.items).toContainEqual(expect.objectContaining({ id, status: 'deactivated' }));
      },
      { timeout: 20_000, interval: 100 },
    );
    expect((await send('POST', `/entity/Licence/${id}/activate`, asha)).status).toBe(404);
    const reactivated = await send('POST', `/entity/Licence/${id}/activate`, clerk);
    expect(reactivated.status).toBe(200);
    expect(reactivated.headers.get('etag')).toBe('"3"');
    expect(await reactivated.json()).toMatchObject({ status: 'active', version: 3 });
    const twice = await send('POST', `/entity/Licence/${id}/activate`, clerk);
    expect(twice.status).toBe(409);
    expect((await twice.json()).detail).toContain('active');
    expect((await send('PATCH', `/entity/Licence/${id}`, clerk, { name: 'Changed' })).status).toBe(200);
    expect((await send('POST', `/entity/Licence/${id}/deactivate`, clerk)).status).toBe(200);
    expect((await send('DELETE', `/entity/Licence/${id}`, clerk)).status).toBe(204);
    expect((await send('GET', `/entity/Licence/${id}`, clerk)).status).toBe(404);
  });
});

describe('integration events of deactivation and reactivation', () => {
  const outbox = async (key: string) =>
    (
      await registry.infrastructure.pool.query<{
        message_type: string;
        topic: string;
        payload: Record<string, unknown>;
      }>(`SELECT message_type, topic, payload FROM "registry".outbox WHERE message_key = $1 ORDER BY position`, [key])
    ).rows;

  it('writes one EntityDeactivatedV1, then one EntityReactivatedV1, each naming the entity and its new version, never a private or internal field', async () => {
    const created = await send('POST', '/entity/Permit', clerk, {
      name: 'Asha',
      nationalId: 'NID-SECRET-4711',
      note: 'INTERNAL-NOTE-0815',
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    expect((await send('POST', `/entity/Permit/${id}/deactivate`, clerk)).status).toBe(200);
    // A refused transition (409) and a stale If-Match (412) write nothing.
    expect((await send('POST', `/entity/Permit/${id}/deactivate`, clerk)).status).toBe(409);
    expect((await send('POST', `/entity/Permit/${id}/activate`, clerk, undefined, { 'if-match': '"1"' })).status).toBe(
      412,
    );
    let rows = await outbox(id);
    expect(rows.map((r) => r.message_type)).toEqual([
      REGISTRY_EVENTS.EntityCreatedV1.type,
      REGISTRY_EVENTS.EntityDeactivatedV1.type,
    ]);
    const deactivated = rows[1]!;
    expect(deactivated.topic).toBe('registry.registry.entity-deactivated.v1');
    expect(REGISTRY_EVENTS.EntityDeactivatedV1.schema.strict().parse(deactivated.payload)).toEqual({
      entityId: id,
      entityType: 'Permit',
      definitionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      version: 2,
      actor: 'c0c0c0c0-0000-4000-8000-00000000000c',
      occurredAt: expect.any(String),
    });

    expect((await send('POST', `/entity/Permit/${id}/activate`, clerk)).status).toBe(200);
    rows = await outbox(id);
    expect(rows.map((r) => r.message_type)).toEqual([
      REGISTRY_EVENTS.EntityCreatedV1.type,
      REGISTRY_EVENTS.EntityDeactivatedV1.type,
      REGISTRY_EVENTS.EntityReactivatedV1.type,
    ]);
    expect(rows[2]!.topic).toBe('registry.registry.entity-reactivated.v1');
    expect(REGISTRY_EVENTS.EntityReactivatedV1.schema.strict().parse(rows[2]!.payload)).toMatchObject({
      entityId: id,
      entityType: 'Permit',
      version: 3,
    });
    for (const row of rows) {
      expect(JSON.stringify(row.payload)).not.toContain('NID-SECRET-4711');
      expect(JSON.stringify(row.payload)).not.toContain('INTERNAL-NOTE-0815');
    }
  });
});
