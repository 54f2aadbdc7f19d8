import 'reflect-metadata';
import {
  CATALOG_EVENTS,
  CATALOG_PROTO_FILE,
  CATALOG_PROTO_PACKAGE,
  CATALOG_STOCK_RESERVATIONS_TOPIC,
  CatalogServiceControllerMethods,
  commerceProtoRoot,
  ORDERING_EVENTS,
  ORDERING_ORDERS_TOPIC,
  ORDERING_PAYMENT_COMMANDS_TOPIC,
  ORDERING_STOCK_COMMANDS_TOPIC,
  PAYMENTS_EVENTS,
  PAYMENTS_TOPIC,
  type CatalogServiceController,
  type GetProductsRequest,
  type GetProductsResponse,
} from '@archipelago/commerce-contracts';
import { platformSchemaSql } from '@archipelago/platform-event-store';
import { GrpcHealthService, grpcServerOptions } from '@archipelago/platform-grpc';
import { freePort } from '@archipelago/platform-local-postgres';
import { Messaging, type IncomingMessage } from '@archipelago/platform-messaging';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogGrpcGateway } from './gateway/catalog.grpc-gateway.js';
import { ORDERING_DOMAIN_ERRORS, OrderingModule } from './ordering.module.js';
import { migrateOrdering } from './repository/ordering.data-source.js';
import { OrderingInfrastructure } from './repository/ordering.infrastructure.js';
import { HandleSagaReplyCommand } from './use-case/handle-saga-reply/handle-saga-reply.command.js';

// Component test: the real ordering module over HTTP on real Postgres and a real Kafka broker,
// tokens from a test issuer, prices from an in-test catalog gRPC server, and catalog and payments
// played by fakes that consume ordering's commands and answer through their own outboxes
// (schemas `catalog` and `payments`, relayed to Kafka), so the saga runs end to end.

const KETTLE = '0f6b7d1e-3c2a-4b5d-8e9f-1a2b3c4d5e01';
const MUG = '0f6b7d1e-3c2a-4b5d-8e9f-1a2b3c4d5e02';
/** Catalog rejects its reservations (out of stock). */
const SCARCE = '0f6b7d1e-3c2a-4b5d-8e9f-1a2b3c4d5e03';
/** Catalog never answers its reservations (the order stays awaiting stock). */
const SILENT = '0f6b7d1e-3c2a-4b5d-8e9f-1a2b3c4d5e04';
const UNKNOWN = '0f6b7d1e-3c2a-4b5d-8e9f-1a2b3c4d5e99';
/** Priced 0, as a product created before prices had to be > 0 could be. */
const FREE = '0f6b7d1e-3c2a-4b5d-8e9f-1a2b3c4d5e05';
const PRICES: Record<string, number> = { [KETTLE]: 1250, [MUG]: 300, [SCARCE]: 999, [SILENT]: 500, [FREE]: 0 };

const ADMIN = { sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f', roles: ['admin'], email: 'admin@archipelago.local' };
const ANN = { sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f', roles: ['customer'], email: 'ann@example.com' };
const BOB = { sub: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', roles: ['customer'], email: 'bob@example.com' };
/** Payments declines this customer's captures (insufficient funds). */
const POOR = { sub: '5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b', roles: ['customer'], email: 'poor@example.com' };
/** Payments does not answer this customer's captures (until told to). */
const SLOW = { sub: '3b2a1f0e-9d8c-4b7a-a6f5-e4d3c2b1a0f9', roles: ['customer'], email: 'slow@example.com' };

@Controller()
@CatalogServiceControllerMethods()
class FakeCatalogGrpcHandler implements CatalogServiceController {
  async getProducts({ ids }: GetProductsRequest): Promise<GetProductsResponse> {
    const known = ids.filter((id) => PRICES[id] !== undefined);
    return {
      products: known.map((id) => ({ id, sku: `SKU-${id.slice(-2)}`, name: id, price: { amount: PRICES[id]!, currency: 'USD' }, available: 5, version: 1 })),
      missingIds: ids.filter((id) => PRICES[id] === undefined),
    };
  }
}
@Module({ controllers: [FakeCatalogGrpcHandler] })
class FakeCatalogModule {}

let issuer: TestIssuer;
let tokens: Record<'admin' | 'ann' | 'bob' | 'poor' | 'slow', string>;
let app: NestFastifyApplication;
let grpcServer: INestMicroservice;
let infrastructure: OrderingInfrastructure;
let catalogGateway: CatalogGrpcGateway;
let pool: pg.Pool;
let fakeCatalog: Messaging;
let fakePayments: Messaging;
let base: string;
const settings: { currency: string; orderTimeoutMs: number; returnWindowMs?: number } = { currency: 'USD', orderTimeoutMs: 60_000 };
/** Commands the fakes received. */
const toCatalog: IncomingMessage[] = [];
const toPayments: IncomingMessage[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (url: string, init?: RequestInit) => fetch(url, init) as Promise<JsonResponse>;
const post = (token: string | null, body?: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: {
    ...(body !== undefined && { 'content-type': 'application/json' }),
    ...(token !== null && { authorization: `Bearer ${token}` }),
    ...headers,
  },
  ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
});
const get = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
async function eventually(check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
const placeOrder = async (token: string, items: Array<{ productId: string; quantity: number }>, headers: Record<string, string> = {}) => {
  const res = await http(base, post(token, { items }, headers));
  expect(res.status).toBe(202);
  return res.json() as Promise<{ id: string; total: { amount: number } }>;
};
const orderOf = async (id: string, token = tokens.admin) => (await http(`${base}/${id}`, get(token))).json();
const settled = async (id: string, status: string) => eventually(async () => (await orderOf(id)).status === status);
/** Types of the messages ordering's outbox holds for an order (written with the change that sent them). */
const sent = async (orderId: string) =>
  (await pool.query<{ message_type: string }>(`SELECT message_type FROM ordering.outbox WHERE message_key = $1 ORDER BY position`, [orderId])).rows.map(
    (r) => r.message_type.replace('archipelago.commerce.ordering.', ''),
  );
const sagaSteps = async (id: string) => ((await (await http(`${base}/${id}/saga`, get(tokens.admin))).json()).steps as Array<{ step: string }>).map((s) => s.step);

/** Fake catalog: reserves unless a line is SCARCE (rejects) or SILENT (no answer); releases and commits. */
async function catalogAnswers(m: IncomingMessage): Promise<void> {
  toCatalog.push(m);
  const orderId = m.key;
  const reply = (name: keyof typeof CATALOG_EVENTS, payload: unknown) => {
    const { topic, type } = CATALOG_EVENTS[name];
    return fakeCatalog.outbox.add(pool, [{ topic, type, key: orderId, payload }]);
  };
  if (m.type === ORDERING_EVENTS.ReserveStockV1.type) {
    const { lines } = ORDERING_EVENTS.ReserveStockV1.schema.parse(m.payload);
    if (lines.some((l) => l.productId === SILENT)) return;
    const scarce = lines.filter((l) => l.productId === SCARCE).map((l) => l.productId);
    if (scarce.length > 0) await reply('StockReservationRejectedV1', { orderId, reason: 'out_of_stock', productIds: scarce });
    else await reply('StockReservedV1', { orderId, lines });
  } else if (m.type === ORDERING_EVENTS.ReleaseStockV1.type) await reply('StockReleasedV1', { orderId });
  else if (m.type === ORDERING_EVENTS.CommitStockV1.type) await reply('StockCommittedV1', { orderId });
  else if (m.type === ORDERING_EVENTS.ReturnStockV1.type) await reply('StockReturnedV1', { orderId });
}

/** Fake payments: captures unless the customer is POOR (declined) or SLOW (no answer); refunds. */
async function paymentsAnswers(m: IncomingMessage): Promise<void> {
  toPayments.push(m);
  const orderId = m.key;
  const reply = (name: keyof typeof PAYMENTS_EVENTS, payload: unknown) => {
    const { topic, type } = PAYMENTS_EVENTS[name];
    return fakePayments.outbox.add(pool, [{ topic, type, key: orderId, payload }]);
  };
  if (m.type === ORDERING_EVENTS.CapturePaymentV1.type) {
    const { customerId, amount } = ORDERING_EVENTS.CapturePaymentV1.schema.parse(m.payload);
    if (customerId === SLOW.sub) return;
    if (customerId === POOR.sub) await reply('PaymentDeclinedV1', { orderId, customerId, reason: 'insufficient_funds' });
    else await reply('PaymentCapturedV1', { orderId, customerId, amount, transactionId: `tx-${orderId}` });
  } else if (m.type === ORDERING_EVENTS.RefundPaymentV1.type) {
    const { customerId, amount } = ORDERING_EVENTS.RefundPaymentV1.schema.parse(m.payload);
    await reply('PaymentRefundedV1', { orderId, customerId, amount, transactionId: `refund-${orderId}` });
  }
}

const fakeParticipant = (service: 'catalog' | 'payments', url: string) =>
  new Messaging({ transport: 'kafka', kafkaBrokers: [kafkaBrokers()], system: 'commerce', service, schema: service, pool, databaseUrl: url });

beforeAll(async () => {
  issuer = await startTestIssuer();
  const issue = (claims: typeof ADMIN) => issuer.issue({ ...claims, expiresInSec: 900 });
  tokens = { admin: await issue(ADMIN), ann: await issue(ANN), bob: await issue(BOB), poor: await issue(POOR), slow: await issue(SLOW) };
  const url = await createTestDatabase('ordering');
  await migrateOrdering(url, 'ordering');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query(platformSchemaSql('catalog'));
  await pool.query(platformSchemaSql('payments'));

  const grpcAddress = `127.0.0.1:${await freePort()}`;
  grpcServer = await NestFactory.createMicroservice(FakeCatalogModule, {
    ...grpcServerOptions({ packages: [CATALOG_PROTO_PACKAGE], protoFiles: [CATALOG_PROTO_FILE], protoRoot: commerceProtoRoot(), url: grpcAddress, health: new GrpcHealthService('SERVING') }),
    logger: false,
  });
  await grpcServer.listen();

  infrastructure = await OrderingInfrastructure.open({ databaseUrl: url, schema: 'ordering', transport: 'kafka', kafkaBrokers: [kafkaBrokers()] });
  await infrastructure.messaging.ensureTopics([ORDERING_STOCK_COMMANDS_TOPIC, ORDERING_PAYMENT_COMMANDS_TOPIC, ORDERING_ORDERS_TOPIC, CATALOG_STOCK_RESERVATIONS_TOPIC, PAYMENTS_TOPIC]);
  catalogGateway = new CatalogGrpcGateway({ address: grpcAddress });
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience };
  app = await createHttpApp(
    OrderingModule.forRoot({ infrastructure, catalog: catalogGateway, settings, auth, timeoutJob: { pollMs: 200 } }),
    {
      serviceName: 'ordering',
      config: { SERVICE_NAME: 'ordering', SYSTEM: 'commerce', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'warn' },
      domainErrors: ORDERING_DOMAIN_ERRORS,
      readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
      openapi: { title: 'ordering', version: '1' },
    },
  );
  await infrastructure.start();
  await app.listen(0, '127.0.0.1');
  base = `${await app.getUrl()}/commerce/v1/orders`.replace('[::1]', '127.0.0.1');

  fakeCatalog = fakeParticipant('catalog', url);
  fakePayments = fakeParticipant('payments', url);
  await fakeCatalog.start();
  await fakePayments.start();
  await fakeCatalog.subscribe('commerce.catalog', [ORDERING_STOCK_COMMANDS_TOPIC], catalogAnswers);
  await fakePayments.subscribe('commerce.payments', [ORDERING_PAYMENT_COMMANDS_TOPIC], paymentsAnswers);
}, 180_000);

afterAll(async () => {
  await fakeCatalog?.close();
  await fakePayments?.close();
  await app?.close();
  catalogGateway?.close();
  await grpcServer?.close();
  await pool?.end();
  await issuer?.close();
});

describe('placing an order', () => {
  it('answers 202 with Location and the priced order, then the saga confirms it', async () => {
    const res = await http(base, post(tokens.ann, { items: [{ productId: KETTLE, quantity: 2 }, { productId: MUG, quantity: 1 }] }));
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'pending',
      items: [
        { productId: KETTLE, quantity: 2, unitPrice: { amount: 1250, currency: 'USD' } },
        { productId: MUG, quantity: 1, unitPrice: { amount: 300, currency: 'USD' } },
      ],
      total: { amount: 2800, currency: 'USD' },
      createdAt: expect.any(String),
    });
    expect(res.headers.get('location')).toBe(`/commerce/v1/orders/${body.id}`);
    await settled(body.id, 'confirmed');
    expect(await orderOf(body.id, tokens.ann)).toMatchObject({ customerId: ANN.sub, status: 'confirmed', cancellationReason: null, total: body.total });
    expect(await sent(body.id)).toEqual(['OrderPlacedV1', 'ReserveStockV1', 'CapturePaymentV1', 'CommitStockV1', 'OrderConfirmedV1']);
    const capture = toPayments.find((m) => m.key === body.id && m.type === ORDERING_EVENTS.CapturePaymentV1.type);
    expect(capture?.payload).toEqual({ orderId: body.id, customerId: ANN.sub, amount: { amount: 2800, currency: 'USD' } });
    expect(await sagaSteps(body.id)).toEqual(['OrderPlaced', 'StockReserved', 'PaymentCaptured', 'StockCommitted', 'OrderConfirmed']);
  });

  it('merges lines of the same product', async () => {
    const { id, total } = await placeOrder(tokens.ann, [{ productId: MUG, quantity: 1 }, { productId: MUG, quantity: 2 }]);
    expect(total.amount).toBe(900);
    expect((await orderOf(id)).items).toEqual([{ productId: MUG, quantity: 3, unitPrice: { amount: 300, currency: 'USD' } }]);
  });

  it('answers 422 for an unknown product or an empty order, 400 for a malformed body, 401 without a token', async () => {
    const unknown = await http(base, post(tokens.ann, { items: [{ productId: UNKNOWN, quantity: 1 }] }));
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ code: 'ORDER.UNKNOWN_PRODUCT', details: { productIds: [UNKNOWN] } });
    const empty = await http(base, post(tokens.ann, { items: [] }));
    expect(empty.status).toBe(422);
    expect((await empty.json()).code).toBe('ORDER.EMPTY');
    for (const bad of [{}, { items: [{ productId: KETTLE, quantity: 0 }] }, { items: [{ productId: 'kettle', quantity: 1 }] }, { items: [{ productId: KETTLE, quantity: 1.5 }] }, '{"items": [']) {
      const res = await http(base, post(tokens.ann, bad));
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await http(base, post(null, { items: [{ productId: KETTLE, quantity: 1 }] }))).status).toBe(401);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ordering.events WHERE data->'items' @> $1::jsonb`, [JSON.stringify([{ productId: UNKNOWN }])]);
    expect(rows[0].n).toBe(0);
  });

  it('answers 422 and stores nothing for duplicate lines past the per-product cap or a zero-priced product (security review)', async () => {
    // The review's reproduction: 100 lines of 10,000 units of one product were accepted with 202.
    const million = await http(base, post(tokens.ann, { items: Array.from({ length: 100 }, () => ({ productId: MUG, quantity: 10_000 })) }));
    expect(million.status).toBe(422);
    expect(await million.json()).toMatchObject({ code: 'ORDER.INVALID' });
    const justOver = await http(base, post(tokens.ann, { items: [{ productId: KETTLE, quantity: 10_000 }, { productId: KETTLE, quantity: 1 }] }));
    expect(justOver.status).toBe(422);
    // A zero total would ask payments for a zero capture, which is refused: the order would hold its stock until the timeout.
    const free = await http(base, post(tokens.ann, { items: [{ productId: FREE, quantity: 1 }] }));
    expect(free.status).toBe(422);
    expect(await free.json()).toMatchObject({ code: 'ORDER.INVALID' });
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ordering.events WHERE data->'items' @> $1::jsonb OR data->'items' @> $2::jsonb`, [
      JSON.stringify([{ productId: FREE }]),
      JSON.stringify([{ productId: MUG, quantity: 1_000_000 }]),
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('honours Idempotency-Key per customer: same body → the same order (200), another body → 422', async () => {
    const items = [{ productId: KETTLE, quantity: 1 }];
    const first = await placeOrder(tokens.bob, items, { 'idempotency-key': 'bob-order-1' });
    const again = await http(base, post(tokens.bob, { items }, { 'idempotency-key': 'bob-order-1' }));
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await again.json()).id).toBe(first.id);
    const other = await http(base, post(tokens.bob, { items: [{ productId: KETTLE, quantity: 2 }] }, { 'idempotency-key': 'bob-order-1' }));
    expect(other.status).toBe(422);
    expect((await other.json()).code).toBe('ORDER.IDEMPOTENCY_KEY_REUSED');
    const anns = await placeOrder(tokens.ann, items, { 'idempotency-key': 'bob-order-1' });
    expect(anns.id).not.toBe(first.id);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ordering.events WHERE event_type = 'OrderPlaced' AND data->>'customerId' = $1`, [BOB.sub]);
    expect(rows[0].n).toBe(1);
  });
});

describe('saga failures and compensations', () => {
  it('out of stock → cancelled out_of_stock, no payment requested, nothing to release', async () => {
    const { id } = await placeOrder(tokens.ann, [{ productId: KETTLE, quantity: 1 }, { productId: SCARCE, quantity: 1 }]);
    await settled(id, 'cancelled');
    expect((await orderOf(id)).cancellationReason).toBe('out_of_stock');
    expect(await sent(id)).toEqual(['OrderPlacedV1', 'ReserveStockV1', 'OrderCancelledV1']);
  });

  it('payment declined → cancelled payment_declined and the stock released', async () => {
    const { id } = await placeOrder(tokens.poor, [{ productId: KETTLE, quantity: 1 }]);
    await settled(id, 'cancelled');
    expect((await orderOf(id, tokens.poor)).cancellationReason).toBe('payment_declined');
    expect(await sent(id)).toEqual(['OrderPlacedV1', 'ReserveStockV1', 'CapturePaymentV1', 'ReleaseStockV1', 'OrderCancelledV1']);
    await eventually(async () => (await sagaSteps(id)).includes('StockReleased'));
    expect(toCatalog.filter((m) => m.key === id).map((m) => m.type)).toContain(ORDERING_EVENTS.ReleaseStockV1.type);
  });

  it('cancel while awaiting stock → 200 cancelled_by_customer with ReleaseStock; then 409', async () => {
    const { id } = await placeOrder(tokens.ann, [{ productId: SILENT, quantity: 1 }]);
    const res = await http(`${base}/${id}/cancel`, post(tokens.ann));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, status: 'cancelled', cancellationReason: 'cancelled_by_customer' });
    expect((await http(`${base}/${id}/cancel`, post(tokens.ann))).status).toBe(409);
    expect(await sent(id)).toEqual(['OrderPlacedV1', 'ReserveStockV1', 'ReleaseStockV1', 'OrderCancelledV1']);
  });

  it('cancel while awaiting payment → ReleaseStock and RefundPayment; a late PaymentCaptured is refunded again', async () => {
    const { id, total } = await placeOrder(tokens.slow, [{ productId: MUG, quantity: 1 }]);
    await eventually(() => toPayments.some((m) => m.key === id));
    expect((await http(`${base}/${id}/cancel`, post(tokens.slow))).status).toBe(200);
    expect(await sent(id)).toEqual(['OrderPlacedV1', 'ReserveStockV1', 'CapturePaymentV1', 'ReleaseStockV1', 'RefundPaymentV1', 'OrderCancelledV1']);
    // payments captures late (it processed the capture before the refund):
    const { topic, type } = PAYMENTS_EVENTS.PaymentCapturedV1;
    await fakePayments.outbox.add(pool, [{ topic, type, key: id, payload: { orderId: id, customerId: SLOW.sub, amount: { amount: total.amount, currency: 'USD' }, transactionId: 'tx-late' } }]);
    await eventually(async () => (await sent(id)).filter((t) => t === 'RefundPaymentV1').length === 2);
    expect(await orderOf(id)).toMatchObject({ status: 'cancelled', cancellationReason: 'cancelled_by_customer' });
  });

  it('times out a pending order: cancelled timeout with its compensations', async () => {
    settings.orderTimeoutMs = 1_000;
    try {
      const { id } = await placeOrder(tokens.ann, [{ productId: SILENT, quantity: 2 }]);
      await settled(id, 'cancelled');
      expect((await orderOf(id)).cancellationReason).toBe('timeout');
      expect(await sent(id)).toEqual(['OrderPlacedV1', 'ReserveStockV1', 'ReleaseStockV1', 'OrderCancelledV1']);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ordering.order_deadlines WHERE order_id = $1`, [id]);
      expect(rows[0].n).toBe(0);
    } finally {
      settings.orderTimeoutMs = 60_000;
    }
  });

  it('applies a redelivered reply once, and a duplicate reply (new message id) changes nothing', async () => {
    const { id } = await placeOrder(tokens.ann, [{ productId: SILENT, quantity: 1 }]);
    const eventsOf = async () => (await pool.query(`SELECT event_type FROM ordering.events WHERE stream_id = $1 ORDER BY stream_version`, [`order-${id}`])).rows.map((r) => r.event_type as string);
    const commands = app.get(CommandBus);
    const reserved = (messageId: string) =>
      commands.execute<HandleSagaReplyCommand, boolean>(
        new HandleSagaReplyCommand(messageId, CATALOG_STOCK_RESERVATIONS_TOPIC, { type: 'RecordStockReserved', data: { orderId: id, now: new Date().toISOString() } }, {}),
      );
    expect(await reserved(`${id}-m1`)).toBe(true);
    expect(await reserved(`${id}-m1`)).toBe(false);
    expect(await reserved(`${id}-m2`)).toBe(true);
    // Recorded once; the saga may already have moved on (the fake payments captures at once).
    const events = await eventsOf();
    expect(events.slice(0, 2)).toEqual(['OrderPlaced', 'StockReserved']);
    expect(events.filter((t) => t === 'StockReserved')).toHaveLength(1);
    expect((await sent(id)).filter((t) => t === 'CapturePaymentV1')).toHaveLength(1);
    // The saga goes on from there: payments captures, catalog commits.
    await settled(id, 'confirmed');
  });
});

describe('saga metrics on /metrics', () => {
  /** Name and sorted labels of a series, without the default `service` label. */
  const key = (series: string) => {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/.exec(series);
    if (match === null) return '';
    const [, name, labels = ''] = match;
    return `${name}{${labels.split(/,(?=[a-z_]+=")/).filter((l) => l && !l.startsWith('service=')).sort().join(',')}}`;
  };
  /** The value of one series (labels in any order) in the service's Prometheus text; 0 when absent. */
  const metric = async (series: string): Promise<number> => {
    const text = await (await fetch(`${await app.getUrl()}/metrics`.replace('[::1]', '127.0.0.1'))).text();
    const wanted = key(series);
    const line = text.split('\n').find((l) => !l.startsWith('#') && l.includes(' ') && key(l.slice(0, l.lastIndexOf(' '))) === wanted);
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  it('counts steps, completions by outcome, timeouts and the placement → terminal time', async () => {
    const confirmed = 'saga_completions_total{saga="order",outcome="confirmed"}';
    const timedOut = 'saga_completions_total{saga="order",outcome="timeout"}';
    const timeouts = 'saga_timeouts_total{saga="order"}';
    const placedSteps = 'saga_steps_total{saga="order",step="OrderPlaced"}';
    const confirmedDurations = 'saga_duration_seconds_count{saga="order",outcome="confirmed"}';
    const timeoutDurations = 'saga_duration_seconds_count{saga="order",outcome="timeout"}';
    const before = Object.fromEntries(
      await Promise.all([confirmed, timedOut, timeouts, placedSteps, confirmedDurations, timeoutDurations].map(async (s) => [s, await metric(s)])),
    );

    const ok = await placeOrder(tokens.ann, [{ productId: MUG, quantity: 1 }]);
    await settled(ok.id, 'confirmed');
    settings.orderTimeoutMs = 1_000;
    try {
      const late = await placeOrder(tokens.ann, [{ productId: SILENT, quantity: 1 }]);
      await settled(late.id, 'cancelled');
    } finally {
      settings.orderTimeoutMs = 60_000;
    }

    expect(await metric(placedSteps)).toBe(before[placedSteps] + 2);
    expect(await metric(confirmed)).toBe(before[confirmed] + 1);
    expect(await metric(timedOut)).toBe(before[timedOut] + 1);
    expect(await metric(timeouts)).toBe(before[timeouts] + 1);
    expect(await metric(confirmedDurations)).toBe(before[confirmedDurations] + 1);
    expect(await metric(timeoutDurations)).toBe(before[timeoutDurations] + 1);
    // The timed-out saga lasted at least its 1 s deadline: it is not in the 0.5 s bucket.
    const timeoutUnderHalfSecond = await metric('saga_duration_seconds_bucket{le="0.5",saga="order",outcome="timeout"}');
    expect(await metric(timeoutDurations)).toBeGreaterThan(timeoutUnderHalfSecond);
  });
});

describe('reading orders', () => {
  it("answers 404 for another customer's order (read and cancel); an admin sees it", async () => {
    const { id } = await placeOrder(tokens.ann, [{ productId: MUG, quantity: 1 }]);
    expect((await http(`${base}/${id}`, get(tokens.bob))).status).toBe(404);
    expect((await http(`${base}/${id}/cancel`, post(tokens.bob))).status).toBe(404);
    expect((await http(`${base}/${id}`, get(tokens.admin))).status).toBe(200);
    expect((await http(`${base}/${UNKNOWN}`, get(tokens.admin))).status).toBe(404);
  });

  it('lists own orders newest first (all for an admin), filters by status, pages with a cursor', async () => {
    const a = await placeOrder(tokens.bob, [{ productId: MUG, quantity: 1 }]);
    const b = await placeOrder(tokens.bob, [{ productId: SCARCE, quantity: 1 }]);
    await settled(b.id, 'cancelled');
    await eventually(async () => {
      const page = await (await http(`${base}?limit=100`, get(tokens.bob))).json();
      return page.items.some((o: { id: string; status: string }) => o.id === b.id && o.status === 'cancelled');
    });
    const mine = await (await http(`${base}?limit=100`, get(tokens.bob))).json();
    expect(mine.items.every((o: { customerId: string }) => o.customerId === BOB.sub)).toBe(true);
    const ids = mine.items.map((o: { id: string }) => o.id);
    expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
    const cancelled = await (await http(`${base}?status=cancelled&limit=100`, get(tokens.bob))).json();
    expect(cancelled.items.map((o: { id: string }) => o.id)).toContain(b.id);
    expect(cancelled.items.every((o: { status: string }) => o.status === 'cancelled')).toBe(true);
    const all = await (await http(`${base}?limit=100`, get(tokens.admin))).json();
    expect(new Set(all.items.map((o: { customerId: string }) => o.customerId)).size).toBeGreaterThan(1);
    const first = await (await http(`${base}?limit=1`, get(tokens.bob))).json();
    expect(first.items).toHaveLength(1);
    const second = await (await http(`${base}?limit=1&cursor=${first.nextCursor}`, get(tokens.bob))).json();
    expect(second.items[0].id).not.toBe(first.items[0].id);
    expect((await http(`${base}?cursor=forged`, get(tokens.bob))).status).toBe(400);
    expect((await http(`${base}?status=lost`, get(tokens.bob))).status).toBe(400);
  });

  it('shows the saga to admins only', async () => {
    const { id } = await placeOrder(tokens.ann, [{ productId: SILENT, quantity: 1 }]);
    expect((await http(`${base}/${id}/saga`, get(tokens.ann))).status).toBe(403);
    const saga = await (await http(`${base}/${id}/saga`, get(tokens.admin))).json();
    expect(saga).toMatchObject({ orderId: id, status: 'pending', step: 'awaiting_stock', steps: [{ step: 'OrderPlaced', version: 1 }] });
  });
});

describe('fulfilment: shipment, delivery, timeline', () => {
  const shipTo = (id: string, token: string | null, body: unknown = { carrier: 'DHL', trackingNumber: 'JD0146 0000 1' }) =>
    http(`${base}/${id}/shipment`, post(token, body));
  const deliver = (id: string, token: string | null) => http(`${base}/${id}/delivery`, post(token));

  it('ships a confirmed order and delivers it (admin only), publishing OrderShippedV1 and OrderDeliveredV1; the owner reads the timeline', async () => {
    const { id } = await placeOrder(tokens.ann, [{ productId: KETTLE, quantity: 1 }]);
    await settled(id, 'confirmed');
    expect((await shipTo(id, tokens.ann)).status).toBe(403);
    expect((await deliver(id, tokens.admin)).status).toBe(409); // not shipped yet
    expect((await shipTo(id, tokens.admin, { carrier: '' })).status).toBe(400);
    const shipped = await shipTo(id, tokens.admin);
    expect(shipped.status).toBe(200);
    expect(await shipped.json()).toMatchObject({ id, status: 'shipped' });
    expect((await shipTo(id, tokens.admin)).status).toBe(200); // the same shipment again: nothing new
    expect((await shipTo(id, tokens.admin, { carrier: 'UPS', trackingNumber: '1Z999' })).status).toBe(409);
    expect((await deliver(id, tokens.ann)).status).toBe(403);
    const delivered = await deliver(id, tokens.admin);
    expect(delivered.status).toBe(200);
    expect((await delivered.json()).status).toBe('delivered');
    expect((await deliver(id, tokens.admin)).status).toBe(200);
    expect((await http(`${base}/${id}/cancel`, post(tokens.ann))).status).toBe(409);

    expect(await sent(id)).toEqual(['OrderPlacedV1', 'ReserveStockV1', 'CapturePaymentV1', 'CommitStockV1', 'OrderConfirmedV1', 'OrderShippedV1', 'OrderDeliveredV1']);
    const { rows } = await pool.query(`SELECT payload FROM ordering.outbox WHERE message_key = $1 AND message_type = $2`, [id, ORDERING_EVENTS.OrderShippedV1.type]);
    expect(ORDERING_EVENTS.OrderShippedV1.schema.parse(rows[0].payload)).toMatchObject({ orderId: id, customerId: ANN.sub, carrier: 'DHL', trackingNumber: 'JD0146 0000 1' });

    const timeline = await http(`${base}/${id}/timeline`, get(tokens.ann));
    expect(timeline.status).toBe(200);
    const body = await timeline.json();
    expect(body).toMatchObject({ orderId: id, status: 'delivered', shipment: { carrier: 'DHL', trackingNumber: 'JD0146 0000 1' } });
    expect(body.steps.map((s: { step: string }) => s.step)).toEqual(['placed', 'reserved', 'paid', 'confirmed', 'shipped', 'delivered']);
    const times = body.steps.map((s: { at: string }) => Date.parse(s.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect((await http(`${base}/${id}/timeline`, get(tokens.bob))).status).toBe(404);
    expect((await http(`${base}/${id}/timeline`, get(tokens.admin))).status).toBe(200);
    await eventually(async () => (await (await http(`${base}?status=delivered&limit=100`, get(tokens.ann))).json()).items.some((o: { id: string }) => o.id === id));
  });

  it('refuses to ship a pending or cancelled order (409) and an unknown one (404)', async () => {
    const pending = await placeOrder(tokens.ann, [{ productId: SILENT, quantity: 1 }]);
    expect((await shipTo(pending.id, tokens.admin)).status).toBe(409);
    const cancelled = await placeOrder(tokens.ann, [{ productId: SCARCE, quantity: 1 }]);
    await settled(cancelled.id, 'cancelled');
    expect((await shipTo(cancelled.id, tokens.admin)).status).toBe(409);
    expect((await shipTo(globalThis.crypto.randomUUID(), tokens.admin)).status).toBe(404);
  });
});

describe('returns: refund and restock through the saga', () => {
  const deliveredOrder = async () => {
    const { id, total } = await placeOrder(tokens.ann, [{ productId: MUG, quantity: 2 }]);
    await settled(id, 'confirmed');
    await http(`${base}/${id}/shipment`, post(tokens.admin, { carrier: 'DHL', trackingNumber: 'T-1' }));
    expect((await http(`${base}/${id}/delivery`, post(tokens.admin))).status).toBe(200);
    return { id, total };
  };
  const returnOf = (id: string, token: string) => http(`${base}/${id}/return`, post(token));

  it('returns a delivered order: RefundPaymentV1 and ReturnStockV1 sent once, the order ends returned with OrderReturnedV1', async () => {
    const { id, total } = await deliveredOrder();
    expect((await returnOf(id, tokens.bob)).status).toBe(404);
    const res = await returnOf(id, tokens.ann);
    expect(res.status).toBe(202);
    expect((await res.json()).status).toBe('returning');
    expect((await returnOf(id, tokens.ann)).status).toBe(202); // retried: nothing new
    await settled(id, 'returned');
    expect(await sent(id)).toEqual([
      'OrderPlacedV1',
      'ReserveStockV1',
      'CapturePaymentV1',
      'CommitStockV1',
      'OrderConfirmedV1',
      'OrderShippedV1',
      'OrderDeliveredV1',
      'RefundPaymentV1',
      'ReturnStockV1',
      'OrderReturnedV1',
    ]);
    const refund = toPayments.find((m) => m.key === id && m.type === ORDERING_EVENTS.RefundPaymentV1.type);
    expect(refund?.payload).toEqual({ orderId: id, customerId: ANN.sub, amount: { amount: total.amount, currency: 'USD' }, reason: 'returned' });
    expect((await returnOf(id, tokens.ann)).status).toBe(202);
    expect((await sent(id)).length).toBe(10);
    const timeline = await (await http(`${base}/${id}/timeline`, get(tokens.ann))).json();
    const steps: string[] = timeline.steps.map((s: { step: string }) => s.step).slice(-4);
    // The refund and the restock answer in either order.
    expect([steps[0], [...steps.slice(1, 3)].sort(), steps[3]]).toEqual(['return_requested', ['refunded', 'restocked'], 'returned']);
  });

  it('refuses a return before delivery or after the return window (409)', async () => {
    const { id } = await placeOrder(tokens.ann, [{ productId: MUG, quantity: 1 }]);
    await settled(id, 'confirmed');
    expect((await returnOf(id, tokens.ann)).status).toBe(409);
    const late = await deliveredOrder();
    settings.returnWindowMs = 0;
    try {
      await new Promise((r) => setTimeout(r, 5));
      const res = await returnOf(late.id, tokens.ann);
      expect(res.status).toBe(409);
      expect((await res.json()).code).toBe('ORDER.NOT_RETURNABLE');
    } finally {
      delete settings.returnWindowMs;
    }
  });
});
