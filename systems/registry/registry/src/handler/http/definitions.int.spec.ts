import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { REGISTRY_EVENTS } from '@archipelago/registry-contracts';
import { Messaging, type IncomingMessage, type TransportKind } from '@archipelago/platform-messaging';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REGISTRY_DOMAIN_ERRORS, RegistryModule } from '../../registry.module.js';
import { migrateRegistry } from '../../repository/registry.data-source.js';
import { RegistryInfrastructure } from '../../repository/registry.infrastructure.js';

// Component test of the definitions API: the real registry module over HTTP on real Postgres,
// DefinitionActivatedV1 through the outbox (Kafka, or the postgres transport under TEST_KAFKA=off).
const transport: TransportKind = kafkaBrokers() ? 'kafka' : 'postgres';
const fixture = (path: string): string =>
  readFileSync(new URL(`../../../test/fixtures/daksha-rc/${path}`, import.meta.url), 'utf8');
// Daksha-RC's vectors: `Teacher` → this id. (Daksha's own Student has `_osConfig` paths that name
// nothing, so it is created but validates `invalid`: see definition-schema.unit.spec.ts.)
const TEACHER_ID = 'e757aa6e-d39a-2db7-6345-473ddd8aadb2';
let issuer: TestIssuer;
let admin: string;
let customer: string;
let app: NestFastifyApplication;
let infrastructure: RegistryInfrastructure;
let listener: Messaging;
let base: string;
const received: IncomingMessage[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (url: string, init?: RequestInit) => fetch(url, init) as Promise<JsonResponse>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const send = (method: string, path: string, body: string, headers: Record<string, string> = {}) =>
  http(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...bearer(admin), ...headers },
    body,
  });
const act = (action: string, id: string) => send('POST', `/${action}`, JSON.stringify({ id }));
const get = (path: string, token = customer) => http(`${base}${path}`, { headers: bearer(token) });
const eventCount = async () =>
  (await infrastructure.pool.query(`SELECT count(*)::int AS n FROM "registry".events`)).rows[0].n as number;

beforeAll(async () => {
  issuer = await startTestIssuer();
  admin = await issuer.issue({ sub: 'a0a0a0a0-0000-4000-8000-000000000001', roles: ['admin'], expiresInSec: 900 });
  customer = await issuer.issue({
    sub: 'c0c0c0c0-0000-4000-8000-000000000002',
    roles: ['customer'],
    expiresInSec: 900,
  });
  const url = await createTestDatabase('registry_definitions');
  await migrateRegistry(url, 'registry');
  const brokers = transport === 'kafka' ? [kafkaBrokers()] : undefined;
  infrastructure = await RegistryInfrastructure.open({
    databaseUrl: url,
    schema: 'registry',
    transport,
    kafkaBrokers: brokers,
  });
  await infrastructure.messaging.ensureTopics([REGISTRY_EVENTS.DefinitionActivatedV1.topic]);
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
  base = `${await app.getUrl()}/registry/v1/schema`.replace('[::1]', '127.0.0.1');
  listener = new Messaging({
    transport,
    kafkaBrokers: brokers,
    system: 'registry',
    service: 'definitions-listener',
    schema: 'registry',
    pool: infrastructure.pool,
    databaseUrl: url,
  });
  await listener.subscribe(
    'registry.definitions-listener',
    [REGISTRY_EVENTS.DefinitionActivatedV1.topic],
    async (m) => {
      received.push(m);
    },
  );
}, 120_000);

afterAll(async () => {
  await listener?.close();
  await app?.close();
  await issuer?.close();
});

describe('definitions API (/registry/v1/schema)', () => {
  it("publishes Daksha-RC's Teacher schema unchanged: 201 + Location, validate, activate, DefinitionActivatedV1", async () => {
    const created = await send('POST', '/create_def', fixture('rc-web/Teacher_Schema.json'));
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: TEACHER_ID, message: expect.any(String) });
    expect(created.headers.get('location')).toBe(`/registry/v1/schema/${TEACHER_ID}`);

    const draft = await (await get(`/${TEACHER_ID}`)).json();
    expect(draft).toMatchObject({ id: TEACHER_ID, title: 'Teacher', status: 'draft', version: 1, activeVersion: null });

    const validated = await act('validate_def', TEACHER_ID);
    expect(validated.status).toBe(200);
    expect(await validated.json()).toMatchObject({ status: 'valid', problems: [] });

    const activated = await act('activate_def', TEACHER_ID);
    expect(activated.status).toBe(200);
    expect(await activated.json()).toMatchObject({ status: 'active', version: 1, activeVersion: 1 });

    await vi.waitFor(() => expect(received.map((m) => m.key)).toContain(TEACHER_ID), {
      timeout: 30_000,
      interval: 100,
    });
    const message = received.find((m) => m.key === TEACHER_ID)!;
    expect(message.type).toBe(REGISTRY_EVENTS.DefinitionActivatedV1.type);
    expect(REGISTRY_EVENTS.DefinitionActivatedV1.schema.parse(message.payload)).toEqual({
      definitionId: TEACHER_ID,
      title: 'Teacher',
      version: 1,
      activatedBy: 'a0a0a0a0-0000-4000-8000-000000000001',
      occurredAt: expect.any(String),
    });

    await vi.waitFor(
      async () => {
        const page = await (await get('?title=teach&record_status=active')).json();
        expect(page.items).toContainEqual(
          expect.objectContaining({ id: TEACHER_ID, title: 'Teacher', status: 'active' }),
        );
      },
      { timeout: 20_000, interval: 100 },
    );
  });

  it('revises an active definition as a new draft version while the active one keeps serving; the title is immutable', async () => {
    const title = 'Revised';
    const schema = (extra: Record<string, unknown> = {}) =>
      JSON.stringify({ title, type: 'object', properties: { name: { type: 'string' }, ...extra }, _osConfig: {} });
    const { id } = await (await send('POST', '/create_def', schema())).json();
    expect((await act('activate_def', id)).status).toBe(200);
    const revised = await send('PUT', `/${id}`, schema({ age: { type: 'integer' } }));
    expect(revised.status).toBe(200);
    expect(await revised.json()).toMatchObject({ status: 'draft', version: 2, activeVersion: 1 });
    const renamed = await send('PUT', `/${id}`, JSON.stringify({ title: 'Other', type: 'object' }));
    expect(renamed.status).toBe(409);
    expect((await get(`/${id}/versions`)).status).toBe(200);
    const { versions } = await (await get(`/${id}/versions`)).json();
    expect(versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [1, 'active'],
      [2, 'draft'],
    ]);
  });

  it('answers 409 for a title that exists in another case or normalisation form, naming no new stream', async () => {
    const before = await eventCount();
    const res = await send('POST', '/create_def', JSON.stringify({ title: ' teacher ', type: 'object' }));
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await eventCount()).toBe(before);
  });

  it('answers 400 for non-JSON, a missing or empty title and a body that is not a schema; 415 for another content type', async () => {
    const before = await eventCount();
    for (const body of [
      '{not json',
      '{}',
      '{"title": ""}',
      '{"title": 42}',
      '[]',
      '{"title": "NotASchema", "type": 42}',
    ]) {
      const res = await send('POST', '/create_def', body);
      expect(res.status, body.slice(0, 40)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const plain = await send('POST', '/create_def', '{"title": "Plain"}', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(await eventCount()).toBe(before);
  });

  it('answers 409 naming the status for a transition that is not allowed, never a silent no-op', async () => {
    const { id } = await (
      await send('POST', '/create_def', JSON.stringify({ title: 'Lifecycle', type: 'object' }))
    ).json();
    const res = await act('deactivate_def', id);
    expect(res.status).toBe(409);
    expect((await res.json()).detail).toContain('draft');
    expect((await act('delete_def', id)).status).toBe(200);
    expect((await act('activate_def', id)).status).toBe(409);
  });

  it('refuses to activate an invalid schema (409 with the problems) and lists them on validate', async () => {
    const bad = JSON.stringify({
      title: 'BadPaths',
      type: 'object',
      properties: { name: { type: 'string' } },
      _osConfig: { privateFields: ['$.nowhere'] },
    });
    const { id } = await (await send('POST', '/create_def', bad)).json();
    const activated = await act('activate_def', id);
    expect(activated.status).toBe(409);
    const validated = await (await act('validate_def', id)).json();
    expect(validated.status).toBe('invalid');
    expect(validated.problems.length).toBeGreaterThan(0);
  });

  it('accepts any 8-4-4-4-12 hex id (not RFC 4122): 404 when unknown, 400 when not an id', async () => {
    expect((await get('/edddcff8-4970-283f-7ab1-9b925d059b69')).status).toBe(404);
    expect((await get('/edddcff8-4970-283f-7ab1-9b925d059b69/versions')).status).toBe(404);
    expect((await get('/not-an-id')).status).toBe(400);
    expect((await act('validate_def', 'not-an-id')).status).toBe(400);
    expect((await act('validate_def', 'edddcff8-4970-283f-7ab1-9b925d059b69')).status).toBe(404);
  });

  it('needs a token to read (401) and the admin role to write (403)', async () => {
    expect((await http(base)).status).toBe(401);
    const res = await send(
      'POST',
      '/create_def',
      JSON.stringify({ title: 'NoRole', type: 'object' }),
      bearer(customer),
    );
    expect(res.status).toBe(403);
  });
});
