import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { CATALOG_EVENTS, ORDERING_EVENTS } from '@archipelago/commerce-contracts';
import { platformSchemaSql } from '@archipelago/platform-event-store';
import { Messaging, type IncomingMessage, type TransportKind } from '@archipelago/platform-messaging';
import { createHttpApp } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_DOMAIN_ERRORS, CatalogModule } from './catalog.module.js';
import { productDecider } from './entity/product/product.decider.js';
import type { ProductEvent } from './entity/product/product.events.js';
import { StockCommandsMessageHandler } from './handler/messaging/stock-commands.message-handler.js';
import { migrateCatalog } from './repository/catalog.data-source.js';
import { CatalogInfrastructure } from './repository/catalog.infrastructure.js';
import { NothingToReturnError } from './entity/reservation/reservation.errors.js';
import { ReturnStockCommand } from './use-case/return-stock/return-stock.command.js';
import { AdjustStockCommand } from './use-case/adjust-stock/adjust-stock.command.js';
import { CreateProductCommand } from './use-case/create-product/create-product.command.js';
import { GetProductsQuery } from './use-case/get-products/get-products.query.js';
import type { ProductView } from './use-case/port/product.read-model.port.js';
import { ReserveStockCommand } from './use-case/reserve-stock/reserve-stock.command.js';

// Component test of catalog's stock reservations: a fake "ordering" writes ReserveStockV1 /
// ReleaseStockV1 / CommitStockV1 into its own outbox (schema `ordering`), catalog's real
// subscription consumes them over the transport under test, and the replies on
// commerce.catalog.stock-reservations.v1 and the products' availability are checked.

type Line = { productId: string; quantity: number };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function eventually(check: () => Promise<boolean> | boolean, ms = 45_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A catalog (HTTP app + stock-command subscription) and a fake ordering that commands it and reads its replies. */
async function startCatalog(transport: TransportKind, issuer: TestIssuer) {
  const url = await createTestDatabase(`reserve_${transport}`);
  await migrateCatalog(url, 'catalog');
  const kafka = transport === 'kafka' ? [kafkaBrokers()] : undefined;
  const infrastructure = await CatalogInfrastructure.open({
    databaseUrl: url,
    schema: 'catalog',
    transport,
    kafkaBrokers: kafka,
  });
  await infrastructure.pool.query(platformSchemaSql('ordering'));
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience };
  const app: NestFastifyApplication = await createHttpApp(
    CatalogModule.forRoot(infrastructure, { currency: 'USD', defaultLowStockThreshold: 0 }, auth),
    {
      serviceName: 'catalog',
      config: { SERVICE_NAME: 'catalog', SYSTEM: 'commerce', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'warn' },
      domainErrors: CATALOG_DOMAIN_ERRORS,
      openapi: { title: 'catalog', version: '1' },
    },
  );
  await infrastructure.start();
  const handler = app.get(StockCommandsMessageHandler);
  // Own consumer groups: other test files may share the broker and its topics.
  const suffix = randomUUID().slice(0, 8);
  await infrastructure.subscribeStockCommands((m) => handler.handle(m), `commerce.catalog.test-${suffix}`);
  await app.listen(0, '127.0.0.1');
  const base = `${await app.getUrl()}/commerce/v1/products`.replace('[::1]', '127.0.0.1');

  // The fake ordering: its own outbox (relayed to Kafka with the kafka transport) and a reply consumer.
  const ordering = new Messaging({
    transport,
    kafkaBrokers: kafka,
    system: 'commerce',
    service: 'ordering',
    schema: 'ordering',
    pool: infrastructure.pool,
    databaseUrl: url,
  });
  await ordering.start();
  const replies: IncomingMessage[] = [];
  await ordering.subscribe(`commerce.ordering.test-${suffix}`, [CATALOG_EVENTS.StockReservedV1.topic], async (m) => {
    replies.push(m);
  });

  const send = async (
    kind: 'ReserveStockV1' | 'ReleaseStockV1' | 'CommitStockV1' | 'ReturnStockV1',
    payload: Record<string, unknown>,
  ): Promise<void> => {
    const { topic, type, schema } = ORDERING_EVENTS[kind];
    const orderId = String(payload['orderId']);
    await ordering.outbox.add(infrastructure.pool, [{ topic, type, key: orderId, payload: schema.parse(payload) }]);
  };
  const reserve = (orderId: string, lines: Line[]) => send('ReserveStockV1', { orderId, lines });
  const release = (orderId: string, reason = 'payment_declined') => send('ReleaseStockV1', { orderId, reason });
  const commit = (orderId: string) => send('CommitStockV1', { orderId });
  const returnStock = (orderId: string) => send('ReturnStockV1', { orderId });
  const repliesOf = (orderId: string) => replies.filter((m) => m.key === orderId);
  /** Waits for the order's `n`-th reply and returns the replies so far as `{ type, payload }` (type without its prefix). */
  const awaitReplies = async (orderId: string, n: number) => {
    await eventually(() => repliesOf(orderId).length >= n);
    return repliesOf(orderId).map((m) => ({
      type: m.type.replace('archipelago.commerce.catalog.', ''),
      payload: m.payload as Json,
    }));
  };

  const commands = app.get(CommandBus);
  const newProduct = async (initialStock: number, lowStockThreshold?: number): Promise<string> => {
    const sku = `SKU-${randomUUID().slice(0, 8)}`;
    const created: { id: string } = await commands.execute(
      new CreateProductCommand({ sku, name: sku, price: { amount: 100, currency: 'USD' }, initialStock, lowStockThreshold }, {}),
    );
    return created.id;
  };
  /** `available` as HTTP GET (from the stream) answers it. */
  const available = async (id: string): Promise<number> =>
    ((await (await fetch(`${base}/${id}`)).json()) as Json).available;
  /** `available` of the list projection (HTTP list and gRPC GetProducts read it), once caught up. */
  const listed = async (id: string): Promise<number> => {
    await infrastructure.projectionRunner.catchUp();
    const { products } = await app
      .get(QueryBus)
      .execute<GetProductsQuery, { products: ProductView[] }>(new GetProductsQuery([id]));
    return products[0]!.available;
  };
  const productEvents = async (id: string) =>
    (await infrastructure.store.readStream(infrastructure.pool, `product-${id}`)).map(
      (e) => ({ type: e.type, data: e.data }) as ProductEvent,
    );

  /** The catalog's low-stock messages of product `id` in its outbox (written with the change that caused them). */
  const stockLevelMessages = async (id: string) =>
    (
      await infrastructure.pool.query<{ message_type: string; payload: Json }>(
        `SELECT message_type, payload FROM catalog.outbox WHERE message_key = $1 AND topic = 'commerce.catalog.stock-levels.v1' ORDER BY position`,
        [id],
      )
    ).rows.map((r) => ({ type: r.message_type.replace('archipelago.commerce.catalog.', ''), available: r.payload.available, threshold: r.payload.threshold }));

  return {
    infrastructure,
    app,
    stockLevelMessages,
    handler,
    reserve,
    release,
    commit,
    returnStock,
    awaitReplies,
    repliesOf,
    newProduct,
    available,
    listed,
    productEvents,
    async close() {
      await ordering.close();
      await app.close();
    },
  };
}

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
}, 60_000);
afterAll(async () => {
  await issuer?.close();
});

describe('stock reservations over kafka', () => {
  let c: Awaited<ReturnType<typeof startCatalog>>;
  beforeAll(async () => {
    c = await startCatalog('kafka', issuer);
  }, 120_000);
  afterAll(async () => {
    await c?.close();
  });

  it('reserves, commits and answers each step; reserved units are not available; committed units leave stock', async () => {
    const [a, b] = [await c.newProduct(5), await c.newProduct(3)];
    const order = randomUUID();
    const lines = [
      { productId: a, quantity: 2 },
      { productId: b, quantity: 1 },
    ];
    await c.reserve(order, lines);
    expect(await c.awaitReplies(order, 1)).toEqual([{ type: 'StockReservedV1', payload: { orderId: order, lines } }]);
    expect(CATALOG_EVENTS.StockReservedV1.schema.parse(c.repliesOf(order)[0]!.payload)).toBeTruthy();
    expect([await c.available(a), await c.available(b)]).toEqual([3, 2]);
    expect([await c.listed(a), await c.listed(b)]).toEqual([3, 2]);
    await c.commit(order);
    expect((await c.awaitReplies(order, 2))[1]).toEqual({ type: 'StockCommittedV1', payload: { orderId: order } });
    expect([await c.available(a), await c.available(b)]).toEqual([3, 2]);
    // Committed units left stock: nothing is reserved any more, so stock can go down to 0.
    const { state } = await c.app.get(CommandBus).execute(new AdjustStockCommand(a, -3, 'count', {}));
    expect(state).toMatchObject({ stock: 0, reserved: 0 });
    await c.release(order);
    expect((await c.awaitReplies(order, 3))[2]).toEqual({ type: 'StockReleasedV1', payload: { orderId: order } });
    expect([await c.available(a), await c.available(b), await c.listed(a), await c.listed(b)]).toEqual([0, 2, 0, 2]);
  });

  it('alerts once when reservations take a product to its low-stock threshold, and clears when a release lifts it above', async () => {
    const p = await c.newProduct(5, 2);
    const [first, second] = [randomUUID(), randomUUID()];
    await c.reserve(first, [{ productId: p, quantity: 3 }]);
    await c.awaitReplies(first, 1);
    expect(await c.stockLevelMessages(p)).toEqual([{ type: 'LowStockDetectedV1', available: 2, threshold: 2 }]);
    await c.reserve(second, [{ productId: p, quantity: 1 }]);
    await c.awaitReplies(second, 1);
    expect(await c.stockLevelMessages(p)).toHaveLength(1); // still low: no second alert
    await c.release(first);
    await c.awaitReplies(first, 2);
    expect(await c.stockLevelMessages(p)).toEqual([
      { type: 'LowStockDetectedV1', available: 2, threshold: 2 },
      { type: 'StockReplenishedV1', available: 4, threshold: 2 },
    ]);
    // A commit does not change availability; an adjustment down crosses again.
    await c.commit(second);
    await c.awaitReplies(second, 2);
    await c.app.get(CommandBus).execute(new AdjustStockCommand(p, -2, 'count', {}));
    expect((await c.stockLevelMessages(p)).map((m) => m.type)).toEqual(['LowStockDetectedV1', 'StockReplenishedV1', 'LowStockDetectedV1']);
  });

  it('returns the sold units of an order once (StockReturnedV1 each time), and dead-letters a return of units never sold', async () => {
    const p = await c.newProduct(5);
    const order = randomUUID();
    await c.reserve(order, [{ productId: p, quantity: 3 }]);
    await c.awaitReplies(order, 1);
    await c.commit(order);
    await c.awaitReplies(order, 2);
    expect(await c.productEvents(p).then((e) => e.at(-1))).toMatchObject({ type: 'UnitsCommitted', data: { stock: 2 } });
    await c.returnStock(order);
    expect((await c.awaitReplies(order, 3))[2]).toEqual({ type: 'StockReturnedV1', payload: { orderId: order } });
    expect(await c.available(p)).toBe(5);
    await c.returnStock(order); // a retried return: the same answer, nothing more in stock
    expect((await c.awaitReplies(order, 4))[3]).toEqual({ type: 'StockReturnedV1', payload: { orderId: order } });
    expect(await c.available(p)).toBe(5);
    expect((await c.productEvents(p)).filter((e) => e.type === 'UnitsReturned')).toHaveLength(1);
    expect(await c.listed(p)).toBe(5);
    // Units never sold cannot come back: the command fails (the consumer retries, then dead-letters it).
    const neverSold = randomUUID();
    const delivery = { messageId: randomUUID(), topic: 'commerce.ordering.stock-commands.v1' };
    await expect(c.app.get(CommandBus).execute(new ReturnStockCommand(neverSold, delivery, {}))).rejects.toBeInstanceOf(NothingToReturnError);
  });

  it('reserves nothing when one line is short (out_of_stock) or a product is unknown (unknown_product)', async () => {
    const [a, b] = [await c.newProduct(5), await c.newProduct(1)];
    const short = randomUUID();
    await c.reserve(short, [
      { productId: a, quantity: 4 },
      { productId: b, quantity: 2 },
    ]);
    expect(await c.awaitReplies(short, 1)).toEqual([
      { type: 'StockReservationRejectedV1', payload: { orderId: short, reason: 'out_of_stock', productIds: [b] } },
    ]);
    const unknown = randomUUID();
    const missing = randomUUID();
    await c.reserve(unknown, [
      { productId: a, quantity: 1 },
      { productId: missing, quantity: 1 },
    ]);
    expect(await c.awaitReplies(unknown, 1)).toEqual([
      {
        type: 'StockReservationRejectedV1',
        payload: { orderId: unknown, reason: 'unknown_product', productIds: [missing] },
      },
    ]);
    expect([await c.available(a), await c.available(b), await c.listed(a), await c.listed(b)]).toEqual([5, 1, 5, 1]);
    expect((await c.productEvents(a)).map((e) => e.type)).toEqual(['ProductCreated']);
  });

  it('stops stock adjustments from going below the reserved units (409 rule), allows down to them', async () => {
    const a = await c.newProduct(5);
    const order = randomUUID();
    await c.reserve(order, [{ productId: a, quantity: 4 }]);
    await c.awaitReplies(order, 1);
    const bus = c.app.get(CommandBus);
    await expect(bus.execute(new AdjustStockCommand(a, -2, 'count', {}))).rejects.toMatchObject({
      code: 'PRODUCT.INSUFFICIENT_STOCK',
    });
    await bus.execute(new AdjustStockCommand(a, -1, 'count', {}));
    expect(await c.available(a)).toBe(0);
    expect(await c.listed(a)).toBe(0);
  });

  it('is idempotent: a redelivered message changes nothing; a repeated command answers the same reply again', async () => {
    const a = await c.newProduct(5);
    const order = randomUUID();
    await c.reserve(order, [{ productId: a, quantity: 2 }]);
    await c.awaitReplies(order, 1);
    // Redelivery of the very same message (same CloudEvents id): the inbox skips it, no reply.
    const first = (
      await c.infrastructure.pool.query(`SELECT message_id FROM ordering.outbox WHERE message_key = $1`, [order])
    ).rows[0].message_id as string;
    const redelivered: IncomingMessage = {
      id: first,
      topic: ORDERING_EVENTS.ReserveStockV1.topic,
      key: order,
      type: ORDERING_EVENTS.ReserveStockV1.type,
      source: '/commerce/ordering',
      time: new Date().toISOString(),
      payload: { orderId: order, lines: [{ productId: a, quantity: 2 }] },
      headers: {},
    };
    await c.handler.handle(redelivered);
    // The same command again (a new message): the same reply again, nothing more reserved.
    await c.reserve(order, [{ productId: a, quantity: 2 }]);
    const replies = await c.awaitReplies(order, 2);
    expect(replies.map((r) => r.type)).toEqual(['StockReservedV1', 'StockReservedV1']);
    expect(replies[1]!.payload).toEqual(replies[0]!.payload);
    expect(await c.available(a)).toBe(3);
    await c.release(order);
    await c.release(order);
    expect((await c.awaitReplies(order, 4)).slice(2).map((r) => r.type)).toEqual([
      'StockReleasedV1',
      'StockReleasedV1',
    ]);
    expect([await c.available(a), await c.listed(a)]).toEqual([5, 5]);
    expect((await c.productEvents(a)).map((e) => e.type)).toEqual(['ProductCreated', 'UnitsReserved', 'UnitsReleased']);
    expect(c.repliesOf(order)).toHaveLength(4);
  });

  it('answers a release that comes first, then rejects the late reserve as cancelled and holds nothing', async () => {
    const a = await c.newProduct(5);
    const order = randomUUID();
    await c.release(order, 'timeout');
    await c.reserve(order, [{ productId: a, quantity: 1 }]);
    expect(await c.awaitReplies(order, 2)).toEqual([
      { type: 'StockReleasedV1', payload: { orderId: order } },
      { type: 'StockReservationRejectedV1', payload: { orderId: order, reason: 'cancelled', productIds: [] } },
    ]);
    expect([await c.available(a), await c.listed(a)]).toEqual([5, 5]);
  });

  it('never oversells: 30 orders of 1 unit for 10 in stock → exactly 10 reserved, available 0', async () => {
    const a = await c.newProduct(10);
    const orders = Array.from({ length: 30 }, () => randomUUID());
    await Promise.all(orders.map((o) => c.reserve(o, [{ productId: a, quantity: 1 }])));
    await eventually(() => orders.every((o) => c.repliesOf(o).length >= 1), 90_000);
    const types = orders.map((o) => c.repliesOf(o)[0]!.type.replace('archipelago.commerce.catalog.', ''));
    expect(types.filter((t) => t === 'StockReservedV1')).toHaveLength(10);
    expect(types.filter((t) => t === 'StockReservationRejectedV1')).toHaveLength(20);
    expect([await c.available(a), await c.listed(a)]).toEqual([0, 0]);
  }, 120_000);

  it('never oversells when 30 reservations race in parallel on the database', async () => {
    const a = await c.newProduct(10);
    const bus = c.app.get(CommandBus);
    const topic = ORDERING_EVENTS.ReserveStockV1.topic;
    const outcomes: Array<{ reply: { type: string } }> = await Promise.all(
      Array.from({ length: 30 }, () =>
        bus.execute(
          new ReserveStockCommand(
            randomUUID(),
            [{ productId: a, quantity: 1 }],
            { messageId: randomUUID(), topic },
            {},
          ),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.reply.type === 'Reserved')).toHaveLength(10);
    expect(outcomes.filter((o) => o.reply.type === 'Rejected')).toHaveLength(20);
    expect([await c.available(a), await c.listed(a)]).toEqual([0, 0]);
    // At no version of the product's stream were more units reserved than in stock.
    let state = productDecider.initialState();
    for (const event of await c.productEvents(a)) {
      state = productDecider.evolve(state, event);
      if (state.status === 'active') expect(state.stock - state.reserved).toBeGreaterThanOrEqual(0);
    }
    expect(state).toMatchObject({ stock: 10, reserved: 10 });
  }, 120_000);
});

describe('stock reservations over postgres (the outbox read as a log)', () => {
  let c: Awaited<ReturnType<typeof startCatalog>>;
  beforeAll(async () => {
    c = await startCatalog('postgres', issuer);
  }, 120_000);
  afterAll(async () => {
    await c?.close();
  });

  it('reserves, commits and answers; availability follows', async () => {
    const a = await c.newProduct(4);
    const order = randomUUID();
    await c.reserve(order, [{ productId: a, quantity: 3 }]);
    expect(await c.awaitReplies(order, 1)).toEqual([
      { type: 'StockReservedV1', payload: { orderId: order, lines: [{ productId: a, quantity: 3 }] } },
    ]);
    expect([await c.available(a), await c.listed(a)]).toEqual([1, 1]);
    await c.commit(order);
    expect((await c.awaitReplies(order, 2))[1]).toEqual({ type: 'StockCommittedV1', payload: { orderId: order } });
    expect([await c.available(a), await c.listed(a)]).toEqual([1, 1]);
    const { rows } = await c.infrastructure.pool.query(
      `SELECT stock, reserved FROM catalog.product_list WHERE id = $1`,
      [a],
    );
    expect(rows[0]).toEqual({ stock: 1, reserved: 0 });
  });
});
