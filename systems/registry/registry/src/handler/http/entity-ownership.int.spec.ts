import 'reflect-metadata';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REGISTRY_DOMAIN_ERRORS, RegistryModule } from '../../registry.module.js';
import { migrateRegistry } from '../../repository/registry.data-source.js';
import { RegistryInfrastructure } from '../../repository/registry.infrastructure.js';

// Component test over HTTP on real Postgres of what owners see: "my entities" (GET /entity/{type}),
// an entity's history, and invitations.
// Both proved their address (identity's `email_verified`): only a verified e-mail makes an owner.
const ASHA = { sub: 'a5a5a5a5-0000-4000-8000-000000000001', email: 'Asha@Example.com', emailVerified: true };
const RAVI = { sub: 'a5a5a5a5-0000-4000-8000-000000000002', email: 'ravi@example.com', emailVerified: true };
const SECRET = 'PASSPORT-4455';
let issuer: TestIssuer;
let admin: string;
let asha: string;
let ravi: string;
let app: NestFastifyApplication;
let infrastructure: RegistryInfrastructure;
let root: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (path: string, token: string | undefined, init: RequestInit & { body?: string } = {}) =>
  fetch(`${root}${path}`, {
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  }) as Promise<JsonResponse>;

beforeAll(async () => {
  issuer = await startTestIssuer();
  admin = await issuer.issue({ sub: 'a0a0a0a0-0000-4000-8000-00000000000a', roles: ['admin'], expiresInSec: 900 });
  asha = await issuer.issue({ ...ASHA, roles: ['customer'], expiresInSec: 900 });
  ravi = await issuer.issue({ ...RAVI, roles: ['customer'], expiresInSec: 900 });
  const url = await createTestDatabase('registry_entity_ownership');
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
    title: 'Member',
    type: 'object',
    required: ['name', 'email'],
    properties: {
      name: { type: 'string', minLength: 1 },
      email: { type: 'string' },
      passport: { type: 'string' },
      note: { type: 'string' },
    },
    additionalProperties: false,
    _osConfig: {
      privateFields: ['$.email', '$.passport'],
      internalFields: ['$.note'],
      roles: ['clerk'],
      inviteRoles: ['anonymous'],
      ownershipAttributes: [{ email: '/email' }],
    },
  };
  const created = await http('/schema/create_def', admin, { method: 'POST', body: JSON.stringify(schema) });
  const { id } = await created.json();
  expect((await http('/schema/activate_def', admin, { method: 'POST', body: JSON.stringify({ id }) })).status).toBe(
    200,
  );
  const staff = {
    title: 'Staff',
    type: 'object',
    required: ['email'],
    properties: { email: { type: 'string' }, userId: { type: 'string' } },
    _osConfig: { inviteRoles: ['clerk'], ownershipAttributes: [{ email: '/email', userId: '/userId' }] },
  };
  const staffDef = await (
    await http('/schema/create_def', admin, { method: 'POST', body: JSON.stringify(staff) })
  ).json();
  expect(
    (await http('/schema/activate_def', admin, { method: 'POST', body: JSON.stringify({ id: staffDef.id }) })).status,
  ).toBe(200);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await issuer?.close();
});

const create = (body: unknown) => http('/entity/Member', admin, { method: 'POST', body: JSON.stringify(body) });

describe('ownership by e-mail needs a verified e-mail (email_verified)', () => {
  it("an account with the owner's address but unverified reads, lists, patches and deletes nothing (404); verified, it is the owner", async () => {
    const made = (await (await create({ name: 'Mina', email: 'mina@example.com', passport: SECRET })).json()).id;
    const token = (emailVerified: boolean | undefined) =>
      issuer.issue({
        sub: emailVerified ? 'a5a5a5a5-0000-4000-8000-0000000000e1' : 'a5a5a5a5-0000-4000-8000-0000000000e2',
        email: 'Mina@example.com',
        ...(emailVerified !== undefined && { emailVerified }),
        roles: ['customer'],
        expiresInSec: 900,
      });
    for (const squatter of [await token(false), await token(undefined)]) {
      const read = await http(`/entity/Member/${made}`, squatter);
      expect(read.status).toBe(404);
      expect(JSON.stringify(await read.json())).not.toContain(SECRET);
      const patch = await http(`/entity/Member/${made}`, squatter, {
        method: 'PATCH',
        body: JSON.stringify({ name: 'taken' }),
      });
      expect(patch.status).toBe(404);
      expect((await http(`/entity/Member/${made}`, squatter, { method: 'DELETE' })).status).toBe(404);
      expect((await http(`/entity/Member/${made}/history`, squatter)).status).toBe(404);
    }
    const owner = await token(true);
    const read = await http(`/entity/Member/${made}`, owner);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ body: { name: 'Mina', passport: SECRET } });
    await vi.waitFor(
      async () => {
        const mine = await (await http('/entity/Member', owner)).json();
        expect(mine.items.map((i: { id: string }) => i.id)).toEqual([made]);
      },
      { timeout: 20_000, interval: 100 },
    );
    // The read model knows the entity by now; the unverified account still owns nothing there.
    expect(await (await http('/entity/Member', await token(false))).json()).toMatchObject({ totalCount: 0, items: [] });
  });
});

describe('my entities (GET /registry/v1/entity/{type})', () => {
  it("lists the caller's own entities by e-mail (case-insensitively), all of them for a manager, paginated", async () => {
    const a1 = (await (await create({ name: 'Asha one', email: 'asha@example.com', passport: SECRET })).json()).id;
    const a2 = (await (await create({ name: 'Asha two', email: 'ASHA@example.com' })).json()).id;
    const r1 = (await (await create({ name: 'Ravi', email: RAVI.email, note: 'internal' })).json()).id;
    await vi.waitFor(
      async () => {
        const page = await (await http('/entity/Member', asha)).json();
        expect(page.totalCount).toBe(2);
      },
      { timeout: 20_000, interval: 100 },
    );
    const mine = await (await http('/entity/member', asha)).json();
    expect(mine.items.map((i: { id: string }) => i.id)).toEqual([a1, a2]);
    expect(mine.items[0]).toMatchObject({ type: 'Member', status: 'active', body: { passport: SECRET } });
    const second = await (await http('/entity/Member?limit=1&offset=1', asha)).json();
    expect(second).toMatchObject({ totalCount: 2, items: [{ id: a2 }] });
    const his = await (await http('/entity/Member', ravi)).json();
    expect(his.items.map((i: { id: string }) => i.id)).toEqual([r1]);
    expect(his.items[0].body.note).toBeUndefined();
    expect(JSON.stringify(his)).not.toContain(SECRET);
    const all = await (await http('/entity/Member?limit=100', admin)).json();
    expect(all.items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining([a1, a2, r1]));
    expect(all.items.find((i: { id: string }) => i.id === r1).body.note).toBe('internal');
    const plain = await infrastructure.pool.query(
      `SELECT count(*)::int AS n FROM "registry".entity_search WHERE owner_keys::text ILIKE '%example.com%'`,
    );
    expect(plain.rows[0].n).toBe(0);
  });

  it('answers 404 for an unknown type, 400 for bad paging, 401 without a token', async () => {
    expect((await http('/entity/Nobody', asha)).status).toBe(404);
    expect((await http('/entity/Member?limit=0', asha)).status).toBe(400);
    expect((await http('/entity/Member?offset=-1', asha)).status).toBe(400);
    expect((await http('/entity/Member', undefined)).status).toBe(401);
  });
});

describe('entity history (GET /registry/v1/entity/{type}/{id}/history)', () => {
  it('lists every event with version, type, time, actor and changed fields, never values; owner and managers only', async () => {
    const { id } = await (await create({ name: 'Histo', email: ASHA.email, passport: SECRET })).json();
    const patch = (body: unknown) =>
      http(`/entity/Member/${id}`, admin, { method: 'PATCH', body: JSON.stringify(body) });
    expect((await patch({ passport: 'PASSPORT-9999', note: 'checked' })).status).toBe(200);
    expect((await patch({ name: 'Histo B' })).status).toBe(200);
    const asOwner = await http(`/entity/Member/${id}/history`, asha);
    expect(asOwner.status).toBe(200);
    const text = await asOwner.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('PASSPORT-9999');
    const history = JSON.parse(text);
    expect(history.id).toBe(id);
    expect(history.items.map((i: { version: number; type: string }) => [i.version, i.type])).toEqual([
      [1, 'EntityCreated'],
      [2, 'EntityUpdated'],
      [3, 'EntityUpdated'],
    ]);
    expect(history.items[0].changedFields).toEqual(['/name', '/email', '/passport']);
    // The internal field's pointer is for managers only.
    expect(history.items[1].changedFields).toEqual(['/passport']);
    expect(history.items[2]).toMatchObject({ changedFields: ['/name'], actor: 'a0a0a0a0-0000-4000-8000-00000000000a' });
    expect(Date.parse(history.items[2].at)).not.toBeNaN();
    const asManager = await (await http(`/entity/Member/${id}/history`, admin)).json();
    expect(asManager.items[1].changedFields).toEqual(['/passport', '/note']);
    expect((await http(`/entity/Member/${id}/history`, ravi)).status).toBe(404);
    expect((await http(`/entity/Other/${id}/history`, admin)).status).toBe(404);
    expect((await http(`/entity/Member/not-a-uuid/history`, admin)).status).toBe(400);
    expect((await http(`/entity/Member/${id}`, admin, { method: 'DELETE' })).status).toBe(204);
    expect((await http(`/entity/Member/${id}/history`, admin)).status).toBe(404);
  });
});

describe('invitations (POST /registry/v1/entity/{type}/invite)', () => {
  const invite = (type: string, body: unknown, token?: string) =>
    http(`/entity/${type}/invite`, token, { method: 'POST', body: JSON.stringify(body) });

  it('lets anyone self-register when inviteRoles has anonymous: invited until the owner first reads it, then active', async () => {
    const res = await invite('Member', { name: 'Newcomer', email: 'newcomer@example.com', passport: SECRET });
    expect(res.status).toBe(201);
    const made = await res.json();
    expect(made).toEqual({ id: made.id, type: 'Member', status: 'invited', version: 1 });
    expect(res.headers.get('location')).toBe(`/registry/v1/entity/Member/${made.id}`);
    expect(JSON.stringify(made)).not.toContain(SECRET);
    // A manager's read leaves it invited.
    expect((await (await http(`/entity/Member/${made.id}`, admin)).json()).status).toBe('invited');
    const outbox = await infrastructure.pool.query(
      `SELECT payload FROM "registry".outbox WHERE message_type = $1 AND message_key = $2`,
      ['archipelago.registry.registry.EntityInvitedV1', made.id],
    );
    expect(outbox.rows.map((r) => r.payload)).toEqual([
      expect.objectContaining({
        entityId: made.id,
        entityType: 'Member',
        inviteeEmail: 'newcomer@example.com',
        actor: 'anonymous',
        version: 1,
      }),
    ]);
    expect(JSON.stringify(outbox.rows)).not.toContain(SECRET);
    // Someone who registered the address without proving it gets 404 and leaves the invitation open.
    const squatter = await issuer.issue({
      sub: 'a5a5a5a5-0000-4000-8000-00000000000d',
      email: 'newcomer@example.com',
      emailVerified: false,
      roles: ['customer'],
      expiresInSec: 900,
    });
    expect((await http(`/entity/Member/${made.id}`, squatter)).status).toBe(404);
    const newcomer = await issuer.issue({
      sub: 'a5a5a5a5-0000-4000-8000-00000000000c',
      email: 'NewComer@example.com',
      emailVerified: true,
      roles: ['customer'],
      expiresInSec: 900,
    });
    const first = await http(`/entity/Member/${made.id}`, newcomer);
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"2"');
    expect(await first.json()).toMatchObject({ status: 'active', version: 2, body: { passport: SECRET } });
    const again = await (await http(`/entity/Member/${made.id}`, newcomer)).json();
    expect(again).toMatchObject({ status: 'active', version: 2 });
    const history = await (await http(`/entity/Member/${made.id}/history`, newcomer)).json();
    expect(history.items.map((i: { type: string; actor: string }) => [i.type, i.actor])).toEqual([
      ['EntityInvited', 'anonymous'],
      ['EntityInvitationAccepted', 'a5a5a5a5-0000-4000-8000-00000000000c'],
    ]);
  });

  it('needs a role in inviteRoles otherwise (401 without a token, 403 without the role), and an owner e-mail', async () => {
    const clerk = await issuer.issue({
      sub: 'c1c1c1c1-0000-4000-8000-000000000001',
      roles: ['clerk'],
      expiresInSec: 900,
    });
    const anonymous = await invite('Staff', { email: 'staff@example.com' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="archipelago"');
    expect((await invite('Staff', { email: 'staff@example.com' }, ravi)).status).toBe(403);
    const ok = await invite('Staff', { email: 'staff@example.com' }, clerk);
    expect(ok.status).toBe(201);
    expect((await ok.json()).status).toBe('invited');
    const noEmail = await invite('Staff', { email: '', userId: 'someone' }, clerk);
    expect(noEmail.status).toBe(400);
    expect((await noEmail.json()).detail).toContain('e-mail');
    expect((await invite('Member', { name: 'x' })).status).toBe(400);
    expect((await invite('Nobody', { email: 'a@example.com' })).status).toBe(404);
    expect((await invite('Member', [])).status).toBe(400);
  });
});
