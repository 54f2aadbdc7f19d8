import 'reflect-metadata';
import {
  REGISTRY_EVENTS,
  REGISTRY_PROTO_FILE,
  REGISTRY_PROTO_PACKAGE,
  REGISTRY_SERVICE_FQN,
  registryProtoRoot,
  type RegistryServiceClient,
} from '@archipelago/registry-contracts';
import { freePort } from '@archipelago/platform-local-postgres';
import { createGrpcClient, GrpcHealthService, grpcServerOptions, type GrpcClient } from '@archipelago/platform-grpc';
import { status } from '@grpc/grpc-js';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { Messaging, type IncomingMessage, type TransportKind } from '@archipelago/platform-messaging';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REGISTRY_DOMAIN_ERRORS, RegistryModule } from './registry.module.js';
import { migrateRegistry } from './repository/registry.data-source.js';
import { RegistryInfrastructure } from './repository/registry.infrastructure.js';

// Component test: the real registry module over HTTP on real Postgres, publishing through the
// outbox (to a real Kafka broker; to the postgres transport when the suite runs with TEST_KAFKA=off);
// access tokens from a test issuer serving a real JWKS.
const transport: TransportKind = kafkaBrokers() ? 'kafka' : 'postgres';
const ADMIN = { sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f', roles: ['admin'], email: 'admin@archipelago.local' };
const CUSTOMER = {
  sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f',
  roles: ['customer'],
  email: 'ann@example.com',
  emailVerified: true,
};
let issuer: TestIssuer;
let admin: string;
let customer: string;
let app: NestFastifyApplication;
let infrastructure: RegistryInfrastructure;
let listener: Messaging;
let base: string;
const received: IncomingMessage[] = [];
let grpc: GrpcClient<RegistryServiceClient>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (url: string, init?: RequestInit) => fetch(url, init) as Promise<JsonResponse>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const post = (body: unknown, headers: Record<string, string> = bearer(admin)) =>
  http(base, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  issuer = await startTestIssuer();
  admin = await issuer.issue({ ...ADMIN, expiresInSec: 900 });
  customer = await issuer.issue({ ...CUSTOMER, expiresInSec: 900 });
  const url = await createTestDatabase('registry');
  await migrateRegistry(url, 'registry');
  const brokers = transport === 'kafka' ? [kafkaBrokers()] : undefined;
  infrastructure = await RegistryInfrastructure.open({
    databaseUrl: url,
    schema: 'registry',
    transport,
    kafkaBrokers: brokers,
  });
  await infrastructure.messaging.ensureTopics([REGISTRY_EVENTS.RegistryItemCreatedV1.topic]);
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience, jwksCooldownMs: 0 };
  app = await createHttpApp(RegistryModule.forRoot(infrastructure, auth), {
    serviceName: 'registry',
    config: { SERVICE_NAME: 'registry', SYSTEM: 'registry', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'warn' },
    domainErrors: REGISTRY_DOMAIN_ERRORS,
    readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
    openapi: { title: 'registry', version: '1' },
  });
  const grpcPort = await freePort();
  app.connectMicroservice<MicroserviceOptions>(
    grpcServerOptions({
      packages: [REGISTRY_PROTO_PACKAGE],
      protoFiles: [REGISTRY_PROTO_FILE],
      protoRoot: registryProtoRoot(),
      url: `127.0.0.1:${grpcPort}`,
      health: new GrpcHealthService('SERVING'),
    }),
  );
  await app.startAllMicroservices();
  grpc = createGrpcClient<RegistryServiceClient>({
    address: `127.0.0.1:${grpcPort}`,
    service: REGISTRY_SERVICE_FQN,
    protoRoot: registryProtoRoot(),
    protoFiles: [REGISTRY_PROTO_FILE],
  });
  await infrastructure.start();
  await app.listen(0, '127.0.0.1');
  base = `${await app.getUrl()}/registry/v1/registry`.replace('[::1]', '127.0.0.1');
  listener = new Messaging({
    transport,
    kafkaBrokers: brokers,
    system: 'registry',
    service: 'listener',
    schema: 'registry',
    pool: infrastructure.pool,
    databaseUrl: url,
  });
  await listener.subscribe('registry.test-listener', [REGISTRY_EVENTS.RegistryItemCreatedV1.topic], async (m) => {
    received.push(m);
  });
}, 120_000);

afterAll(async () => {
  grpc?.close();
  await listener?.close();
  await app?.close();
  await issuer?.close();
});

describe('registry/registry over HTTP', () => {
  it('creates an item: 201, Location, body; reads it back; lists it; publishes RegistryItemCreatedV1', async () => {
    const res = await post({ name: '  First  ' });
    expect(res.status).toBe(201);
    const item = await res.json();
    expect(item).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'First',
      createdAt: expect.any(String),
    });
    expect(res.headers.get('location')).toBe(`/registry/v1/registry/${item.id}`);
    expect(await (await http(`${base}/${item.id}`, { headers: bearer(customer) })).json()).toEqual(item);
    await vi.waitFor(
      async () => {
        const page = await (await http(`${base}?limit=100`, { headers: bearer(customer) })).json();
        expect(page.items).toContainEqual(item);
      },
      { timeout: 20_000, interval: 100 },
    );
    await vi.waitFor(() => expect(received.map((m) => m.key)).toContain(item.id), { timeout: 30_000, interval: 100 });
    const message = received.find((m) => m.key === item.id)!;
    expect(message.type).toBe(REGISTRY_EVENTS.RegistryItemCreatedV1.type);
    expect(REGISTRY_EVENTS.RegistryItemCreatedV1.schema.parse(message.payload)).toEqual({
      itemId: item.id,
      name: 'First',
      occurredAt: item.createdAt,
    });
  });

  it('answers 400 problem+json for a bad body and writes nothing', async () => {
    const before = await infrastructure.pool.query(`SELECT count(*)::int AS n FROM "registry".events`);
    for (const body of [{ name: '' }, { name: 'x'.repeat(201) }, { name: 'ok', extra: 1 }, {}]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const after = await infrastructure.pool.query(`SELECT count(*)::int AS n FROM "registry".events`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('needs a token (401) and the admin role to write (403)', async () => {
    expect((await http(base)).status).toBe(401);
    expect((await post({ name: 'x' }, {})).status).toBe(401);
    expect((await post({ name: 'x' }, bearer(customer))).status).toBe(403);
  });

  it('answers 404 for an unknown item, 400 for a malformed id and a forged cursor', async () => {
    expect((await http(`${base}/0b5b4c9e-1d6f-4c38-9a57-3f2a1c0d9e11`, { headers: bearer(customer) })).status).toBe(
      404,
    );
    expect((await http(`${base}/not-a-uuid`, { headers: bearer(customer) })).status).toBe(400);
    expect((await http(`${base}?cursor=forged`, { headers: bearer(customer) })).status).toBe(400);
  });

  it('pages the list in creation order with an opaque cursor', async () => {
    const ids: string[] = [];
    for (const name of ['P1', 'P2', 'P3']) ids.push((await (await post({ name })).json()).id);
    await vi.waitFor(
      async () => {
        const page = await (await http(`${base}?limit=100`, { headers: bearer(customer) })).json();
        expect(page.items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining(ids));
      },
      { timeout: 20_000, interval: 100 },
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await (
        await http(`${base}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
          headers: bearer(customer),
        })
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i: { id: string }) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('rebuilds the item list projection to the same content', async () => {
    const snapshot = async () =>
      (await infrastructure.pool.query('SELECT id, seq, name, version FROM "registry".registry_item_list ORDER BY seq'))
        .rows;
    await infrastructure.projectionRunner.catchUp();
    const before = await snapshot();
    expect(before.length).toBeGreaterThan(0);
    await infrastructure.pool.query(`UPDATE "registry".registry_item_list SET name = 'tampered'`);
    await infrastructure.projectionRunner.rebuild();
    expect(await snapshot()).toEqual(before);
  });

  it('answers GetRegistryItem over gRPC, with NOT_FOUND and INVALID_ARGUMENT as real status codes', async () => {
    const item = await (await post({ name: 'Over gRPC' })).json();
    expect(await grpc.getRegistryItem({ id: item.id })).toEqual({ item });
    await expect(grpc.getRegistryItem({ id: '0b5b4c9e-1d6f-4c38-9a57-3f2a1c0d9e11' })).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
    await expect(grpc.getRegistryItem({ id: 'nope' })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });
});
