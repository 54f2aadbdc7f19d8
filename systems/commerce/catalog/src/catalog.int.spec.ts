import 'reflect-metadata';
import {
  CATALOG_EVENTS,
  CATALOG_PROTO_FILE,
  CATALOG_PROTO_PACKAGE,
  CATALOG_SERVICE_FQN,
  commerceProtoRoot,
  type CatalogServiceClient,
} from '@archipelago/commerce-contracts';
import { createGrpcClient, GrpcHealthService, grpcServerOptions, type GrpcClient } from '@archipelago/platform-grpc';
import { Messaging, type IncomingMessage } from '@archipelago/platform-messaging';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { freePort } from '@archipelago/platform-local-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_DOMAIN_ERRORS, CatalogModule } from './catalog.module.js';
import { migrateCatalog } from './repository/catalog.data-source.js';
import { CatalogInfrastructure } from './repository/catalog.infrastructure.js';

// Component test: the real catalog module over HTTP and gRPC, on real Postgres, publishing through
// the outbox to a real Kafka broker; access tokens from a test issuer serving a real JWKS.
let issuer: TestIssuer;
let adminToken: string;
const ADMIN = { sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f', roles: ['admin'], email: 'admin@archipelago.local' };
const CUSTOMER = { sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f', roles: ['customer'], email: 'ann@example.com' };
let app: NestFastifyApplication;
let infrastructure: CatalogInfrastructure;
let base: string;
let grpc: GrpcClient<CatalogServiceClient>;
let listener: Messaging;
const received: IncomingMessage[] = [];

/** fetch, with JSON bodies typed loosely: the assertions check them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (url: string, init?: RequestInit) => fetch(url, init) as Promise<JsonResponse>;
/** A JSON POST, as the admin unless another token (or `null`: none) is given. */
const json = (body: unknown, token: string | null = adminToken) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token !== null && { authorization: `Bearer ${token}` }) },
  body: JSON.stringify(body),
});
const productBody = (sku: string, over: Record<string, unknown> = {}) => ({
  sku,
  name: `Product ${sku}`,
  price: { amount: 1250, currency: 'USD' },
  initialStock: 10,
  ...over,
});
const newProduct = (sku: string, over: Record<string, unknown> = {}) => json(productBody(sku, over));
async function eventually(check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  issuer = await startTestIssuer();
  // 15 min, the longest lifetime identity issues; the file takes far less.
  adminToken = await issuer.issue({ ...ADMIN, expiresInSec: 900 });
  const url = await createTestDatabase('catalog');
  await migrateCatalog(url, 'catalog');
  const config = {
    SERVICE_NAME: 'catalog',
    SYSTEM: 'commerce',
    HOST: '127.0.0.1',
    HTTP_PORT: 0,
    LOG_LEVEL: 'warn',
  };
  infrastructure = await CatalogInfrastructure.open({
    databaseUrl: url,
    schema: 'catalog',
    transport: 'kafka',
    kafkaBrokers: [kafkaBrokers()],
  });
  await infrastructure.messaging.ensureTopics([CATALOG_EVENTS.ProductCreatedV1.topic, CATALOG_EVENTS.StockAdjustedV1.topic]);
  // Cooldown 0: a new kid is looked up at once (the rotation test); services default to 30 s.
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience, jwksCooldownMs: 0 };
  app = await createHttpApp(CatalogModule.forRoot(infrastructure, { currency: 'USD', defaultLowStockThreshold: 0 }, auth), {
    serviceName: 'catalog',
    config,
    domainErrors: CATALOG_DOMAIN_ERRORS,
    readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
    openapi: { title: 'catalog', version: '1' },
  });
  const grpcPort = await freePort();
  app.connectMicroservice<MicroserviceOptions>(
    grpcServerOptions({
      packages: [CATALOG_PROTO_PACKAGE],
      protoFiles: [CATALOG_PROTO_FILE],
      protoRoot: commerceProtoRoot(),
      url: `127.0.0.1:${grpcPort}`,
      health: new GrpcHealthService('SERVING'),
    }),
  );
  await app.startAllMicroservices();
  await infrastructure.start();
  await app.listen(0, '127.0.0.1');
  base = `${await app.getUrl()}/commerce/v1/products`.replace('[::1]', '127.0.0.1');
  grpc = createGrpcClient<CatalogServiceClient>({
    address: `127.0.0.1:${grpcPort}`,
    service: CATALOG_SERVICE_FQN,
    protoRoot: commerceProtoRoot(),
    protoFiles: [CATALOG_PROTO_FILE],
  });
  listener = new Messaging({
    transport: 'kafka',
    kafkaBrokers: [kafkaBrokers()],
    system: 'commerce',
    service: 'listener',
    schema: 'catalog',
    pool: infrastructure.pool,
    databaseUrl: url,
  });
  await listener.subscribe('commerce.test-listener', [CATALOG_EVENTS.ProductCreatedV1.topic, CATALOG_EVENTS.StockAdjustedV1.topic], async (m) => {
    received.push(m);
  });
}, 120_000);

afterAll(async () => {
  grpc?.close();
  await listener?.close();
  await app?.close();
  await issuer?.close();
});

describe('catalog over HTTP', () => {
  it('creates a product: 201, Location, body; then reads it back and finds it in the list', async () => {
    const res = await http(base, newProduct('KETTLE-1'));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sku: 'KETTLE-1',
      name: 'Product KETTLE-1',
      price: { amount: 1250, currency: 'USD' },
      available: 10,
      lowStockThreshold: 0,
    });
    expect(res.headers.get('location')).toBe(`/commerce/v1/products/${body.id}`);
    expect(await (await http(`${base}/${body.id}`)).json()).toEqual(body);
    await eventually(async () => (await (await http(base)).json()).items.some((p: { id: string }) => p.id === body.id));
  });

  it('rejects a duplicate SKU with 409 and writes nothing for it', async () => {
    await http(base, newProduct('DUP-1'));
    const res = await http(base, newProduct('DUP-1', { name: 'Other' }));
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const { rows } = await infrastructure.pool.query(`SELECT count(*)::int AS n FROM catalog.events WHERE data->>'sku' = 'DUP-1'`);
    expect(rows[0].n).toBe(1);
  });

  it('answers 400 problem+json listing every bad field', async () => {
    const res = await http(base, json({ sku: '', price: { amount: 1.5, currency: 'usd' }, initialStock: -2 }));
    expect(res.status).toBe(400);
    const problem = await res.json();
    const pointers = problem.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/sku', '/name', '/price/amount', '/price/currency', '/initialStock']));
  });

  it('answers 400 for a price of 0 and creates nothing (security review: a zero-priced order could never be paid)', async () => {
    const res = await http(base, newProduct('FREE-1', { price: { amount: 0, currency: 'USD' } }));
    expect(res.status).toBe(400);
    expect((await res.json()).errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/price/amount']);
    const { rows } = await infrastructure.pool.query(`SELECT count(*)::int AS n FROM catalog.events WHERE data->>'sku' = 'FREE-1'`);
    expect(rows[0].n).toBe(0);
  });

  it('keeps a low-stock threshold (default from configuration, set at creation, PATCH as admin) and lists low products for admins only', async () => {
    const withDefault = await (await http(base, newProduct('LOW-0'))).json();
    expect(withDefault.lowStockThreshold).toBe(0);
    const res = await http(base, newProduct('LOW-1', { initialStock: 5, lowStockThreshold: 3 }));
    const { id, lowStockThreshold } = await res.json();
    expect(lowStockThreshold).toBe(3);
    const patch = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${adminToken}` }) =>
      http(`${base}/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const patched = await patch({ lowStockThreshold: 5 });
    // The same value again changes nothing and is still a 200 (found by the fuzzer: it was a 500,
    // "append needs at least one event").
    const unchanged = await patch({ lowStockThreshold: 5 });
    expect(unchanged.status).toBe(200);
    expect(await unchanged.json()).toMatchObject({ id, lowStockThreshold: 5 });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id, available: 5, lowStockThreshold: 5 });
    expect((await patch({ lowStockThreshold: -1 })).status).toBe(400);
    expect((await patch({ lowStockThreshold: 1 }, {})).status).toBe(401);
    expect((await http(`${base}/${globalThis.crypto.randomUUID()}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body: '{"lowStockThreshold":1}' })).status).toBe(404);
    const { rows } = await infrastructure.pool.query(
      `SELECT message_type FROM catalog.outbox WHERE message_key = $1 AND topic = 'commerce.catalog.stock-levels.v1'`,
      [id],
    );
    expect(rows.map((r) => r.message_type)).toEqual(['archipelago.commerce.catalog.LowStockDetectedV1']);
    const lowIds = async () => {
      const page = await http(`${base}?lowStock=true&limit=100`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(page.status).toBe(200);
      return (await page.json()).items.map((p: { id: string }) => p.id);
    };
    // The list is a projection: eventually consistent.
    await eventually(async () => (await lowIds()).includes(id));
    expect(await lowIds()).not.toContain(withDefault.id); // 10 available > 0
    const lowered = await patch({ lowStockThreshold: 4 });
    expect(await lowered.json()).toMatchObject({ available: 5, lowStockThreshold: 4 });
    await eventually(async () => !(await lowIds()).includes(id));
    const anonymous = await http(`${base}?lowStock=true`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect((await http(`${base}?lowStock=true`, { headers: { authorization: `Bearer ${await issuer.issue({ ...CUSTOMER, expiresInSec: 900 })}` } })).status).toBe(403);
    expect((await http(`${base}?lowStock=maybe`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(400);
  });

  it('answers 422 for a price in another currency', async () => {
    const res = await http(base, newProduct('EUR-1', { price: { amount: 100, currency: 'EUR' } }));
    expect(res.status).toBe(422);
  });

  it('adjusts stock, refuses to go below zero (409) and 404s an unknown product', async () => {
    const { id } = await (await http(base, newProduct('ADJ-1'))).json();
    const ok = await http(`${base}/${id}/stock-adjustments`, json({ delta: -4, reason: 'sold' }));
    expect(ok.status).toBe(200);
    expect((await ok.json()).available).toBe(6);
    const tooMuch = await http(`${base}/${id}/stock-adjustments`, json({ delta: -7, reason: 'sold' }));
    expect(tooMuch.status).toBe(409);
    const zero = await http(`${base}/${id}/stock-adjustments`, json({ delta: 0, reason: 'nothing' }));
    expect(zero.status).toBe(400);
    const unknown = await http(`${base}/0b5b4c9e-1d6f-4c38-9a57-3f2a1c0d9e11/stock-adjustments`, json({ delta: 1, reason: 'x' }));
    expect(unknown.status).toBe(404);
  });

  it('never oversells under concurrent adjustments (optimistic concurrency with retry)', async () => {
    const { id } = await (await http(base, newProduct('RACE-1', { initialStock: 5 }))).json();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => http(`${base}/${id}/stock-adjustments`, json({ delta: -1, reason: 'race' }))),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(3);
    expect((await (await http(`${base}/${id}`)).json()).available).toBe(0);
  });

  it('pages the list with an opaque cursor and rejects a forged one', async () => {
    for (const sku of ['PAGE-1', 'PAGE-2', 'PAGE-3']) await http(base, newProduct(sku));
    const all: string[] = [];
    await eventually(async () =>
      (await (await http(`${base}?limit=100`)).json()).items.some((p: { sku: string }) => p.sku === 'PAGE-3'),
    );
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ sku: string }>; nextCursor: string | null } = await (
        await http(`${base}?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      all.push(...page.items.map((p) => p.sku));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(['PAGE-1', 'PAGE-2', 'PAGE-3']));
    expect((await http(`${base}?cursor=not-a-cursor`)).status).toBe(400);
    expect((await http(`${base}?limit=1000`)).status).toBe(400);
  });
});

describe('catalog integration events and gRPC', () => {
  it('publishes ProductCreatedV1 and StockAdjustedV1 through the outbox to Kafka, keyed by product id', async () => {
    const { id } = await (await http(base, newProduct('EVT-1'))).json();
    await http(`${base}/${id}/stock-adjustments`, json({ delta: 3, reason: 'delivery' }));
    await eventually(() => received.filter((m) => m.key === id).length >= 2);
    // Two topics: Kafka orders messages per partition, not across topics, so match by type.
    const mine = received.filter((m) => m.key === id);
    const created = mine.filter((m) => m.type === CATALOG_EVENTS.ProductCreatedV1.type);
    const adjusted = mine.filter((m) => m.type === CATALOG_EVENTS.StockAdjustedV1.type);
    expect([created.length, adjusted.length]).toEqual([1, 1]);
    expect(CATALOG_EVENTS.ProductCreatedV1.schema.parse(created[0]!.payload)).toMatchObject({ productId: id, sku: 'EVT-1', initialStock: 10 });
    expect(CATALOG_EVENTS.StockAdjustedV1.schema.parse(adjusted[0]!.payload)).toMatchObject({ productId: id, delta: 3, stock: 13 });
    expect(created[0]!.source).toBe('/commerce/catalog');
  });

  it('answers GetProducts with prices and availability, reporting unknown ids', async () => {
    const { id } = await (await http(base, newProduct('GRPC-1', { initialStock: 7 }))).json();
    const unknown = '3f0c1a52-7d4e-4b8a-9c6e-2b1d0a9f8e7d';
    await eventually(async () => (await grpc.getProducts({ ids: [id] })).products.length === 1);
    const res = await grpc.getProducts({ ids: [id, unknown, id] });
    expect(res.products).toEqual([
      expect.objectContaining({ id, sku: 'GRPC-1', price: { amount: 1250, currency: 'USD' }, available: 7 }),
    ]);
    expect(res.missingIds).toEqual([unknown]);
  });

  it('rebuilds the product list projection to the same content', async () => {
    const snapshot = async () =>
      (await infrastructure.pool.query('SELECT id, sku, available, version FROM catalog.product_list ORDER BY seq')).rows;
    await infrastructure.projectionRunner.catchUp();
    const before = await snapshot();
    await infrastructure.pool.query('UPDATE catalog.product_list SET available = -1');
    await infrastructure.projectionRunner.rebuild();
    expect(await snapshot()).toEqual(before);
  });
});

describe('catalog security (access tokens verified again in the service)', () => {
  const products = () => base;
  const eventsOf = async (where: string, value: string) =>
    (await infrastructure.pool.query(`SELECT event_type, metadata FROM catalog.events WHERE ${where} ORDER BY global_position`, [value])).rows as Array<{
      event_type: string;
      metadata: { actor?: string };
    }>;

  it('answers a write without a token 401 problem+json with a Bearer challenge, and writes nothing', async () => {
    const res = await http(products(), json(productBody('ANON-1'), null));
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="archipelago"/);
    expect(await eventsOf(`data->>'sku' = $1`, 'ANON-1')).toEqual([]);
  });

  it.each([
    ['expired', () => issuer.bad.expired(ADMIN)],
    ['tampered (customer made admin)', () => issuer.bad.tampered(CUSTOMER)],
    ['signed by another key', () => issuer.bad.wrongKey(ADMIN)],
    ['alg none', () => issuer.bad.algNone(ADMIN)],
    ['HS256 signed with the public key', () => issuer.bad.hs256WithPublicKey(ADMIN)],
  ])('answers a write with a token %s 401 invalid_token', async (_name, mint) => {
    const res = await http(products(), json(productBody('BAD-TOKEN'), await mint()));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await eventsOf(`data->>'sku' = $1`, 'BAD-TOKEN')).toEqual([]);
  });

  it("answers a customer's product write and stock adjustment 403", async () => {
    const customer = await issuer.issue(CUSTOMER);
    const create = await http(products(), json(productBody('CUST-1'), customer));
    expect(create.status).toBe(403);
    expect((await create.json()).title).toBe('Forbidden');
    const { id } = await (await http(products(), newProduct('CUST-2'))).json();
    const adjust = await http(`${base}/${id}/stock-adjustments`, json({ delta: 5, reason: 'mine now' }, customer));
    expect(adjust.status).toBe(403);
    expect((await (await http(`${base}/${id}`)).json()).available).toBe(10);
  });

  it("records the admin's sub as the actor of the events it causes", async () => {
    const res = await http(products(), newProduct('ACTOR-1'));
    expect(res.status).toBe(201);
    const { id } = await res.json();
    expect((await http(`${base}/${id}/stock-adjustments`, json({ delta: 1, reason: 'count' }))).status).toBe(200);
    const events = await eventsOf(`stream_id LIKE '%' || $1`, id);
    expect(events.map((e) => e.event_type)).toHaveLength(2);
    expect(events.map((e) => e.metadata.actor)).toEqual([ADMIN.sub, ADMIN.sub]);
  });

  it('serves reads, probes and docs without a token, and with a customer token', async () => {
    const { id } = await (await http(products(), newProduct('READ-1'))).json();
    expect((await http(`${base}/${id}`)).status).toBe(200);
    expect((await http(`${base}/${id}`, { headers: { authorization: `Bearer ${await issuer.issue(CUSTOMER)}` } })).status).toBe(200);
    expect((await http(`${base}?limit=1`)).status).toBe(200);
    const root = base.replace('/commerce/v1/products', '');
    for (const path of ['/health/live', '/health/ready', '/metrics', '/docs/openapi.json']) expect((await http(`${root}${path}`)).status).toBe(200);
  });

  it('keeps accepting tokens of the previous key after a rotation and accepts the new kid after fetching the JWKS again', async () => {
    const before = await issuer.issue(ADMIN);
    expect((await http(products(), json(productBody('ROT-1'), before))).status).toBe(201);
    const fetches = issuer.jwksRequests;
    await issuer.rotate();
    const after = await issuer.issue(ADMIN);
    expect((await http(products(), json(productBody('ROT-2'), after))).status).toBe(201);
    expect(issuer.jwksRequests).toBeGreaterThan(fetches);
    expect((await http(products(), json(productBody('ROT-3'), before))).status).toBe(201);
  });
});
