import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryTestApp, type RegistryTestApp } from '../../../test/registry-test-app.js';

// Component test over HTTP on real Postgres of who may write entities (issue 14 §5): managers (admin
// or a role in `_osConfig.roles`, anyone when it holds `anonymous`) create, import and write any
// entity; owners replace, patch and delete their own; anyone else gets 404 (401 without a token).
const ASHA = { sub: 'b5b5b5b5-0000-4000-8000-000000000001', email: 'Asha@Example.com' };
const RAVI = { sub: 'b5b5b5b5-0000-4000-8000-000000000002', email: 'ravi@example.com' };
let registry: RegistryTestApp;
let admin: string;
let clerk: string;
let asha: string;
let ravi: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (
  path: string,
  token: string | undefined,
  init: RequestInit & { body?: string; contentType?: string } = {},
) =>
  fetch(`${registry.root}${path}`, {
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { 'content-type': init.contentType ?? 'application/json' } : {}),
    },
  }) as Promise<JsonResponse>;
const send = (method: string, path: string, token: string | undefined, body?: unknown) =>
  http(path, token, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

async function publish(schema: object): Promise<void> {
  const { id } = await (await send('POST', '/schema/create_def', admin, schema)).json();
  expect((await send('POST', '/schema/activate_def', admin, { id })).status).toBe(200);
}

beforeAll(async () => {
  registry = await startRegistryTestApp('registry_entity_writes');
  admin = await registry.token('b0b0b0b0-0000-4000-8000-00000000000a', ['admin']);
  clerk = await registry.token('b0b0b0b0-0000-4000-8000-00000000000c', ['clerk']);
  asha = await registry.issuer.issue({ sub: ASHA.sub, email: ASHA.email, roles: ['customer'], expiresInSec: 900 });
  ravi = await registry.issuer.issue({ sub: RAVI.sub, email: RAVI.email, roles: ['customer'], expiresInSec: 900 });
  await publish({
    title: 'Tenant',
    type: 'object',
    required: ['name', 'email'],
    properties: {
      name: { type: 'string', minLength: 1 },
      email: { type: 'string' },
      userId: { type: 'string' },
      passport: { type: 'string' },
      note: { type: 'string' },
    },
    additionalProperties: false,
    _osConfig: {
      privateFields: ['$.passport'],
      internalFields: ['$.note'],
      roles: ['clerk'],
      inviteRoles: ['clerk'],
      ownershipAttributes: [{ email: '/email', userId: '/userId' }],
    },
  });
  await publish({
    title: 'Notice',
    type: 'object',
    required: ['text'],
    properties: { text: { type: 'string', minLength: 1 } },
    _osConfig: { roles: ['anonymous'] },
  });
}, 120_000);

afterAll(async () => {
  await registry?.close();
});

const tenant = async (body: object, token = clerk) => {
  const res = await send('POST', '/entity/Tenant', token, body);
  expect(res.status).toBe(201);
  return (await res.json()).id as string;
};

describe('managers: admin or a role in _osConfig.roles', () => {
  it('lets a holder of a custom role create, read, replace, patch and delete any entity of the type', async () => {
    const id = await tenant({ name: 'Made by clerk', email: 'someone@example.com', note: 'vetted' });
    const read = await (await send('GET', `/entity/Tenant/${id}`, clerk)).json();
    expect(read.body).toEqual({ name: 'Made by clerk', email: 'someone@example.com', note: 'vetted' });
    const patched = await send('PATCH', `/entity/Tenant/${id}`, clerk, { note: 'checked', email: 'other@example.com' });
    expect(patched.status).toBe(200);
    expect((await patched.json()).body).toMatchObject({ note: 'checked', email: 'other@example.com' });
    const replaced = await send('PUT', `/entity/Tenant/${id}`, clerk, { name: 'Renamed', email: 'o@example.com' });
    expect(replaced.status).toBe(200);
    expect((await replaced.json()).body).toEqual({ name: 'Renamed', email: 'o@example.com' });
    expect((await send('DELETE', `/entity/Tenant/${id}`, clerk)).status).toBe(204);
    expect((await send('GET', `/entity/Tenant/${id}`, admin)).status).toBe(404);
  });

  it('refuses creating to a signed-in caller without the role (403) and to a caller without a token (401)', async () => {
    const forbidden = await send('POST', '/entity/Tenant', asha, { name: 'Self', email: ASHA.email });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toContain('application/problem+json');
    expect((await forbidden.json()).code).toBe('ENTITY.CREATE_FORBIDDEN');
    const anonymous = await send('POST', '/entity/Tenant', undefined, { name: 'Anon', email: 'a@example.com' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="archipelago"');
    expect((await send('POST', '/entity/Nobody', asha, { name: 'x' })).status).toBe(404);
  });

  it('lets only managers import (403 for others, one check before any row)', async () => {
    const ndjson = (token: string) =>
      http('/entity/Tenant/import', token, {
        method: 'POST',
        body: '{"name":"Imported","email":"imported@example.com"}\n',
        contentType: 'application/x-ndjson',
      });
    expect((await ndjson(asha)).status).toBe(403);
    const ok = await ndjson(clerk);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ created: 1, failed: 0 });
  });
});

describe('owners write their own entities', () => {
  it('lets the owner by e-mail (any case) patch, and by user id replace, keeping the internal fields', async () => {
    const id = await tenant({ name: 'Asha', email: 'asha@example.com', passport: 'P-1', note: 'vetted' });
    const patched = await send('PATCH', `/entity/Tenant/${id}`, asha, { passport: 'P-2' });
    expect(patched.status).toBe(200);
    const seen = await patched.json();
    expect(seen.body).toEqual({ name: 'Asha', email: 'asha@example.com', passport: 'P-2' });
    expect(patched.headers.get('etag')).toBe('"2"');
    const byUserId = await tenant({ name: 'Asha B', email: 'b@example.com', userId: ASHA.sub, note: 'kept' });
    const replaced = await send('PUT', `/entity/Tenant/${byUserId}`, asha, {
      name: 'Asha C',
      email: 'b@example.com',
      userId: ASHA.sub,
    });
    expect(replaced.status).toBe(200);
    expect((await replaced.json()).body).toEqual({ name: 'Asha C', email: 'b@example.com', userId: ASHA.sub });
    const managed = await (await send('GET', `/entity/Tenant/${byUserId}`, admin)).json();
    expect(managed.body).toEqual({ name: 'Asha C', email: 'b@example.com', userId: ASHA.sub, note: 'kept' });
  });

  it('answers 404 to anyone else (as for an unknown id), 401 without a token', async () => {
    const id = await tenant({ name: 'Asha', email: ASHA.email });
    for (const [method, body] of [
      ['PATCH', { name: 'Taken' }],
      ['PUT', { name: 'Taken', email: RAVI.email }],
      ['DELETE', undefined],
    ] as const) {
      const res = await send(method, `/entity/Tenant/${id}`, ravi, body);
      expect(res.status).toBe(404);
      expect((await res.json()).code).toBe('ENTITY.NOT_FOUND');
      const unknown = await send(method, `/entity/Tenant/0193a0b4-0000-7000-8000-0000000000ff`, ravi, body);
      expect(unknown.status).toBe(404);
      const anonymous = await send(method, `/entity/Tenant/${id}`, undefined, body);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="archipelago"');
    }
    expect((await (await send('GET', `/entity/Tenant/${id}`, admin)).json()).body.name).toBe('Asha');
  });

  it('refuses an owner changing the ownership fields or writing internal fields (403); a manager may', async () => {
    const id = await tenant({ name: 'Asha', email: ASHA.email, note: 'vetted' });
    const move = await send('PATCH', `/entity/Tenant/${id}`, asha, { email: 'elsewhere@example.com' });
    expect(move.status).toBe(403);
    expect((await move.json()).code).toBe('ENTITY.OWNERSHIP_CHANGE_FORBIDDEN');
    const internal = await send('PATCH', `/entity/Tenant/${id}`, asha, { note: 'self-vetted' });
    expect(internal.status).toBe(403);
    const problem = await internal.json();
    expect(problem.code).toBe('ENTITY.FIELD_WRITE_FORBIDDEN');
    expect(problem.details.pointers).toEqual(['/note']);
    const sneaky = await send('PUT', `/entity/Tenant/${id}`, asha, { name: 'Asha', email: ASHA.email, note: '' });
    expect(sneaky.status).toBe(403);
    expect((await send('PATCH', `/entity/Tenant/${id}`, clerk, { email: 'elsewhere@example.com' })).status).toBe(200);
    // No longer hers: the entity is gone for her.
    expect((await send('PATCH', `/entity/Tenant/${id}`, asha, { name: 'Mine?' })).status).toBe(404);
  });

  it('lets the owner delete their own entity; a second delete is 404', async () => {
    const id = await tenant({ name: 'Asha', email: ASHA.email });
    expect((await send('DELETE', `/entity/Tenant/${id}`, asha)).status).toBe(204);
    expect((await send('DELETE', `/entity/Tenant/${id}`, asha)).status).toBe(404);
  });

  it('accepts an invitation when its owner writes the invited entity', async () => {
    const invited = await send('POST', '/entity/Tenant/invite', clerk, { name: 'Ravi', email: RAVI.email });
    expect(invited.status).toBe(201);
    const { id } = await invited.json();
    const res = await send('PATCH', `/entity/Tenant/${id}`, ravi, { name: 'Ravi K' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'active', version: 3, body: { name: 'Ravi K' } });
  });
});

describe('a public registry: anonymous in _osConfig.roles', () => {
  it('takes creates and writes from anyone, with or without a token', async () => {
    const created = await send('POST', '/entity/Notice', undefined, { text: 'Lost cat' });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    expect((await send('PATCH', `/entity/Notice/${id}`, undefined, { text: 'Found cat' })).status).toBe(200);
    const replaced = await send('PUT', `/entity/Notice/${id}`, ravi, { text: 'Found the cat' });
    expect(replaced.status).toBe(200);
    expect((await replaced.json()).body).toEqual({ text: 'Found the cat' });
    expect((await send('DELETE', `/entity/Notice/${id}`, undefined)).status).toBe(204);
  });
});
