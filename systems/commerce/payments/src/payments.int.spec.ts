import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { ORDERING_EVENTS, ORDERING_PAYMENT_COMMANDS_TOPIC, PAYMENTS_EVENTS, PAYMENTS_TOPIC } from '@archipelago/commerce-contracts';
import { platformSchemaSql } from '@archipelago/platform-event-store';
import { Messaging, type IncomingMessage, type OutgoingMessage, type TransportKind } from '@archipelago/platform-messaging';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentCommandsMessageHandler } from './handler/messaging/payment-commands.message-handler.js';
import { PAYMENTS_DOMAIN_ERRORS, PaymentsModule } from './payments.module.js';
import { MAX_BALANCE } from './entity/money.js';
import { migratePayments } from './repository/payments.data-source.js';
import { PaymentsInfrastructure } from './repository/payments.infrastructure.js';
import { CapturePaymentCommand } from './use-case/capture-payment/capture-payment.command.js';
import type { PaymentOutcome, UnitOfWorkResult } from './use-case/port/account.repository.port.js';

// Component test: the real payments module over HTTP on real Postgres; the saga part feeds
// CapturePaymentV1 / RefundPaymentV1 commands into a fake "ordering" outbox and reads the replies
// from `commerce.payments.payments.v1`, once over Kafka and once over the postgres transport.

/** fetch, with JSON bodies typed loosely: the assertions check them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (url: string, init?: RequestInit) => fetch(url, init) as Promise<JsonResponse>;
const usd = (amount: number) => ({ amount, currency: 'USD' });

async function eventually(check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

interface Suite {
  app: NestFastifyApplication;
  infrastructure: PaymentsInfrastructure;
  base: string;
  ordering: Messaging;
  listener: Messaging;
  replies: IncomingMessage[];
  /** Order ids of this suite start with it, so commands of other test files on the shared broker are left alone. */
  prefix: string;
}

/** Starts payments (transport `transport`) with its own database, a fake ordering publisher and a reply listener. */
async function startSuite(transport: TransportKind): Promise<Suite> {
  const url = await createTestDatabase(`payments_${transport}`);
  await migratePayments(url, 'payments');
  const brokers = transport === 'kafka' ? [kafkaBrokers()] : undefined;
  const infrastructure = await PaymentsInfrastructure.open({ databaseUrl: url, schema: 'payments', transport, kafkaBrokers: brokers });
  await infrastructure.pool.query(platformSchemaSql('ordering'));
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience, jwksCooldownMs: 0 };
  const app = await createHttpApp(PaymentsModule.forRoot(infrastructure, { currency: 'USD' }, auth), {
    serviceName: 'payments',
    config: { SERVICE_NAME: 'payments', SYSTEM: 'commerce', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'warn' },
    domainErrors: PAYMENTS_DOMAIN_ERRORS,
    readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
    openapi: { title: 'payments', version: '1' },
  });
  await infrastructure.start();
  await app.listen(0, '127.0.0.1');
  const base = `${await app.getUrl()}/commerce/v1/wallet`.replace('[::1]', '127.0.0.1');
  const prefix = `${transport}-${randomUUID().slice(0, 8)}-`;
  const group = `commerce.payments.it-${prefix}`;
  const handler = app.get(PaymentCommandsMessageHandler);
  await infrastructure.subscribePaymentCommands(async (m) => {
    if (m.key.startsWith(prefix)) await handler.handle(m, group);
  }, group);
  // The fake ordering service: its outbox in schema `ordering` (relayed to Kafka for kafka).
  const messagingOf = (service: string) =>
    new Messaging({ transport, kafkaBrokers: brokers, system: 'commerce', service, schema: 'ordering', pool: infrastructure.pool, databaseUrl: url });
  const ordering = messagingOf('ordering');
  await ordering.start();
  const listener = messagingOf('listener');
  const replies: IncomingMessage[] = [];
  await listener.subscribe(`commerce.test-listener.${prefix}`, [PAYMENTS_TOPIC], async (m) => {
    if (m.key.startsWith(prefix)) replies.push(m);
  });
  return { app, infrastructure, base, ordering, listener, replies, prefix };
}

async function stopSuite(suite: Suite | undefined): Promise<void> {
  await suite?.listener.close();
  await suite?.ordering.close();
  await suite?.app.close();
}

/** A new customer with a token; `deposit` pays into their wallet over HTTP. */
async function newCustomer(suite: Suite, roles = ['customer']) {
  const id = randomUUID();
  const token = await issuer.issue({ sub: id, roles, email: `${id}@example.com`, expiresInSec: 900 });
  const auth = { authorization: `Bearer ${token}` };
  return {
    id,
    token,
    get: (path = '') => http(`${suite.base}${path}`, { headers: auth }),
    deposit: (body: unknown, key?: string) =>
      http(`${suite.base}/deposits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth, ...(key !== undefined && { 'idempotency-key': key }) },
        body: JSON.stringify(body),
      }),
    withdraw: (body: unknown, key?: string) =>
      http(`${suite.base}/withdrawals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth, ...(key !== undefined && { 'idempotency-key': key }) },
        body: JSON.stringify(body),
      }),
    balance: async () => (await (await http(suite.base, { headers: auth })).json()).balance.amount as number,
  };
}

describe.each(['kafka', 'postgres'] as const)('payments saga participant over %s', (transport) => {
  let suite: Suite;
  beforeAll(async () => {
    suite = await startSuite(transport);
  }, 120_000);
  afterAll(() => stopSuite(suite));

  const orderId = () => `${suite.prefix}${randomUUID()}`;
  const capture = (order: string, customerId: string, amount: number) => ({
    topic: ORDERING_PAYMENT_COMMANDS_TOPIC,
    type: ORDERING_EVENTS.CapturePaymentV1.type,
    key: order,
    payload: { orderId: order, customerId, amount: usd(amount) },
  });
  const refund = (order: string, customerId: string, amount: number) => ({
    topic: ORDERING_PAYMENT_COMMANDS_TOPIC,
    type: ORDERING_EVENTS.RefundPaymentV1.type,
    key: order,
    payload: { orderId: order, customerId, amount: usd(amount), reason: 'timeout' },
  });
  const send = (...commands: OutgoingMessage[]) => suite.ordering.outbox.add(suite.infrastructure.pool, commands);
  const repliesFor = (order: string) => suite.replies.filter((m) => m.key === order);
  const awaitReplies = async (order: string, n = 1) => {
    await eventually(() => repliesFor(order).length >= n);
    return repliesFor(order);
  };

  it('declines a capture the wallet cannot cover (insufficient_funds) and leaves the balance alone', async () => {
    const ann = await newCustomer(suite);
    expect((await ann.deposit({ amount: usd(1000) })).status).toBe(201);
    const order = orderId();
    await send(capture(order, ann.id, 1500));
    const [reply] = await awaitReplies(order);
    expect(reply!.type).toBe(PAYMENTS_EVENTS.PaymentDeclinedV1.type);
    expect(PAYMENTS_EVENTS.PaymentDeclinedV1.schema.parse(reply!.payload)).toEqual({ orderId: order, customerId: ann.id, reason: 'insufficient_funds' });
    expect(await ann.balance()).toBe(1000);
  });

  it('declines a capture for a customer without a wallet (no_wallet)', async () => {
    const order = orderId();
    const nobody = randomUUID();
    await send(capture(order, nobody, 100));
    const [reply] = await awaitReplies(order);
    expect(reply!.payload).toEqual({ orderId: order, customerId: nobody, reason: 'no_wallet' });
  });

  it('captures a duplicated command once: both replies name the same transaction, the balance is debited once', async () => {
    const bob = await newCustomer(suite);
    await bob.deposit({ amount: usd(1000) });
    const order = orderId();
    await send(capture(order, bob.id, 600));
    await send(capture(order, bob.id, 600));
    const replies = await awaitReplies(order, 2);
    expect(replies.map((r) => r.type)).toEqual([PAYMENTS_EVENTS.PaymentCapturedV1.type, PAYMENTS_EVENTS.PaymentCapturedV1.type]);
    const [first, second] = replies.map((r) => PAYMENTS_EVENTS.PaymentCapturedV1.schema.parse(r.payload));
    expect(first).toEqual({ orderId: order, customerId: bob.id, amount: usd(600), transactionId: expect.any(String) });
    expect(second).toEqual(first);
    expect(await bob.balance()).toBe(400);
    await eventually(async () => (await (await bob.get('/transactions')).json()).items.length === 2);
    const { items } = await (await bob.get('/transactions')).json();
    expect(items.map((t: { type: string }) => t.type)).toEqual(['payment', 'deposit']);
    expect(items[0]).toMatchObject({ id: first!.transactionId, orderId: order, amount: usd(600) });
  });

  it('refunds a captured payment once, and a refund before the capture makes the capture decline (cancelled)', async () => {
    const cy = await newCustomer(suite);
    await cy.deposit({ amount: usd(1000) });
    const paid = orderId();
    await send(capture(paid, cy.id, 300));
    await awaitReplies(paid, 1);
    await send(refund(paid, cy.id, 300), refund(paid, cy.id, 300));
    const replies = await awaitReplies(paid, 3);
    const refunds = replies.slice(1).map((r) => PAYMENTS_EVENTS.PaymentRefundedV1.schema.parse(r.payload));
    expect(replies.slice(1).map((r) => r.type)).toEqual([PAYMENTS_EVENTS.PaymentRefundedV1.type, PAYMENTS_EVENTS.PaymentRefundedV1.type]);
    expect(refunds[0]).toMatchObject({ amount: usd(300) });
    expect(refunds[1]).toEqual(refunds[0]);
    expect(await cy.balance()).toBe(1000);

    const cancelled = orderId();
    await send(refund(cancelled, cy.id, 200));
    await send(capture(cancelled, cy.id, 200));
    const [tombstone, late] = await awaitReplies(cancelled, 2);
    expect(tombstone!.type).toBe(PAYMENTS_EVENTS.PaymentRefundedV1.type);
    expect(tombstone!.payload).toMatchObject({ amount: usd(0) });
    expect(late!.payload).toEqual({ orderId: cancelled, customerId: cy.id, reason: 'cancelled' });
    expect(await cy.balance()).toBe(1000);
  });

  it('never overdraws under 20 concurrent captures for one customer', async () => {
    const dee = await newCustomer(suite);
    await dee.deposit({ amount: usd(1000) });
    const orders = Array.from({ length: 20 }, () => orderId());
    await Promise.all(orders.map((o) => send(capture(o, dee.id, 150))));
    await eventually(() => orders.every((o) => repliesFor(o).length >= 1));
    const captured = orders.filter((o) => repliesFor(o)[0]!.type === PAYMENTS_EVENTS.PaymentCapturedV1.type);
    const declined = orders.filter((o) => repliesFor(o)[0]!.type === PAYMENTS_EVENTS.PaymentDeclinedV1.type);
    expect(captured).toHaveLength(6);
    expect(declined).toHaveLength(14);
    for (const o of declined) expect(repliesFor(o)[0]!.payload).toMatchObject({ reason: 'insufficient_funds' });
    const balance = await dee.balance();
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(balance).toBe(1000 - captured.length * 150);
  });

  it('declines captures on a closed wallet (account_closed)', async () => {
    const eve = await newCustomer(suite);
    await eve.deposit({ amount: usd(1000) });
    const admin = await issuer.issue({ sub: randomUUID(), roles: ['admin'], email: 'admin@archipelago.local' });
    const closed = await http(`${suite.base}/closures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ customerId: eve.id, reason: 'fraud' }),
    });
    expect(closed.status).toBe(204);
    const order = orderId();
    await send(capture(order, eve.id, 100));
    const [reply] = await awaitReplies(order);
    expect(reply!.payload).toMatchObject({ reason: 'account_closed' });
    expect(await (await eve.get()).json()).toEqual({ customerId: eve.id, balance: usd(1000), status: 'closed' });
    expect((await eve.deposit({ amount: usd(5) })).status).toBe(409);
  });

  if (transport === 'kafka') {
    it('serialises 20 captures racing inside the process through the stream version (retry on conflict)', async () => {
      const fay = await newCustomer(suite);
      await fay.deposit({ amount: usd(1000) });
      const bus = suite.app.get(CommandBus);
      const results: UnitOfWorkResult<PaymentOutcome>[] = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          bus.execute(
            new CapturePaymentCommand(
              orderId(),
              fay.id,
              usd(70),
              { consumerGroup: 'commerce.payments.race', messageId: randomUUID(), topic: ORDERING_PAYMENT_COMMANDS_TOPIC },
              { correlationId: `race-${i}` },
            ),
          ),
        ),
      );
      const outcomes = results.map((r) => (r.duplicate ? undefined : r.result.kind));
      expect(outcomes.filter((k) => k === 'captured')).toHaveLength(14);
      expect(outcomes.filter((k) => k === 'declined')).toHaveLength(6);
      expect(await fay.balance()).toBe(1000 - 14 * 70);
      const { rows } = await suite.infrastructure.pool.query(
        `SELECT count(*)::int AS n FROM payments.events WHERE stream_id = $1 AND event_type = 'PaymentCaptured'`,
        [`account-${fay.id}`],
      );
      expect(rows[0].n).toBe(14);
    });
  }
});

describe('payments wallet over HTTP', () => {
  let suite: Suite;
  beforeAll(async () => {
    suite = await startSuite('postgres');
  }, 120_000);
  afterAll(() => stopSuite(suite));

  it('answers 401 problem+json without a token on every route', async () => {
    for (const [path, init] of [
      ['', undefined],
      ['/transactions', undefined],
      ['/deposits', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: usd(1) }) }],
    ] as const) {
      const res = await http(`${suite.base}${path}`, init);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('answers 403 for a token without the customer or admin role', async () => {
    const other = await newCustomer(suite, ['auditor']);
    expect((await other.get()).status).toBe(403);
  });

  it('answers 404 before the first deposit, then opens the wallet with it', async () => {
    const ann = await newCustomer(suite);
    const before = await ann.get();
    expect(before.status).toBe(404);
    expect(before.headers.get('content-type')).toContain('application/problem+json');
    const res = await ann.deposit({ amount: usd(2500) });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ transactionId: expect.stringMatching(/^[0-9a-f-]{36}$/), balance: usd(2500) });
    expect(await (await ann.get()).json()).toEqual({ customerId: ann.id, balance: usd(2500), status: 'open' });
  });

  it('validates deposits: 400 for zero, fractional or malformed amounts, 422 for another currency', async () => {
    const bob = await newCustomer(suite);
    for (const body of [{ amount: usd(0) }, { amount: usd(1.5) }, { amount: { amount: 5, currency: 'usd' } }, {}, { amount: usd(5), extra: 1 }]) {
      const res = await bob.deposit(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await bob.deposit({ amount: { amount: 100, currency: 'EUR' } })).status).toBe(422);
    expect((await bob.get()).status).toBe(404);
  });

  it('honours Idempotency-Key: same key and body answers the same receipt and books once; another body is 422', async () => {
    const cy = await newCustomer(suite);
    const first = await cy.deposit({ amount: usd(700) }, 'key-1');
    expect(first.status).toBe(201);
    const receipt = await first.json();
    const again = await cy.deposit({ amount: usd(700) }, 'key-1');
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(receipt);
    const different = await cy.deposit({ amount: usd(701) }, 'key-1');
    expect(different.status).toBe(422);
    expect(await cy.balance()).toBe(700);
    // Keys are per customer: another customer's key-1 is a fresh deposit.
    const dee = await newCustomer(suite);
    const theirs = await dee.deposit({ amount: usd(700) }, 'key-1');
    expect(theirs.status).toBe(201);
    expect((await theirs.json()).transactionId).not.toBe(receipt.transactionId);
    expect((await cy.deposit({ amount: usd(1) }, 'x'.repeat(256))).status).toBe(400);
  });

  it('books one deposit for the same Idempotency-Key sent 8 times at once', async () => {
    const eve = await newCustomer(suite);
    await eve.deposit({ amount: usd(100) });
    const results = await Promise.all(Array.from({ length: 8 }, () => eve.deposit({ amount: usd(50) }, 'race-key')));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    const ids = new Set(await Promise.all(results.map(async (r) => (await r.json()).transactionId)));
    expect(ids.size).toBe(1);
    expect(await eve.balance()).toBe(150);
  });

  it('refuses (422) a deposit past the maximum balance; the ledger and the balance always agree (security review)', async () => {
    // The review's reproduction: two deposits of 2^53 − 1 were booked 18014398509482984, and a further
    // deposit of 1 was booked as a transaction while the balance did not move.
    const gus = await newCustomer(suite);
    const huge = await gus.deposit({ amount: usd(Number.MAX_SAFE_INTEGER) });
    expect(huge.status).toBe(422);
    expect(huge.headers.get('content-type')).toContain('application/problem+json');
    expect(await huge.json()).toMatchObject({ code: 'ACCOUNT.BALANCE_LIMIT_EXCEEDED', details: { maxBalance: MAX_BALANCE } });
    expect((await gus.get()).status).toBe(404); // nothing booked, not even the wallet
    expect((await gus.deposit({ amount: usd(MAX_BALANCE - 1) })).status).toBe(201);
    expect((await gus.deposit({ amount: usd(1) })).status).toBe(201);
    const over = await gus.deposit({ amount: usd(1) });
    expect(over.status).toBe(422);
    expect(await over.json()).toMatchObject({ code: 'ACCOUNT.BALANCE_LIMIT_EXCEEDED', details: { balance: MAX_BALANCE, amount: 1 } });
    expect(await gus.balance()).toBe(MAX_BALANCE);
    await eventually(async () => (await (await gus.get('/transactions?limit=100')).json()).items.length === 2);
    const booked: Array<{ amount: { amount: number } }> = (await (await gus.get('/transactions?limit=100')).json()).items;
    expect(booked.reduce((sum, t) => sum + t.amount.amount, 0)).toBe(await gus.balance());
  });

  it('withdraws with Idempotency-Key, never below zero (422 available/requested), lists it and publishes FundsWithdrawnV1', async () => {
    const ivy = await newCustomer(suite);
    const before = await ivy.withdraw({ amount: usd(1) });
    expect(before.status).toBe(404);
    await ivy.deposit({ amount: usd(1000) }, 'dep-1');
    const first = await ivy.withdraw({ amount: usd(300) }, 'wd-1');
    expect(first.status).toBe(201);
    const receipt = await first.json();
    expect(receipt).toEqual({ transactionId: expect.any(String), balance: usd(700) });
    const again = await ivy.withdraw({ amount: usd(300) }, 'wd-1');
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(receipt);
    expect((await ivy.withdraw({ amount: usd(301) }, 'wd-1')).status).toBe(422);
    // A deposit's key does not answer a withdrawal of the same amount.
    expect((await ivy.withdraw({ amount: usd(1000) }, 'dep-1')).status).toBe(422);
    const tooMuch = await ivy.withdraw({ amount: usd(701) });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.headers.get('content-type')).toContain('application/problem+json');
    expect(await tooMuch.json()).toMatchObject({ code: 'ACCOUNT.INSUFFICIENT_FUNDS', details: { available: 700, requested: 701 } });
    for (const bad of [{ amount: usd(0) }, { amount: usd(1.5) }, {}]) expect((await ivy.withdraw(bad)).status).toBe(400);
    expect(await ivy.balance()).toBe(700);
    await eventually(async () => (await (await ivy.get('/transactions')).json()).items.length === 2);
    const { items } = await (await ivy.get('/transactions')).json();
    expect(items[0]).toMatchObject({ id: receipt.transactionId, type: 'withdrawal', amount: usd(300) });
    const { rows } = await suite.infrastructure.pool.query(
      `SELECT message_type, message_key, payload FROM payments.outbox WHERE message_key = $1 AND topic = 'commerce.payments.wallet.v1'`,
      [ivy.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].message_type).toBe(PAYMENTS_EVENTS.FundsWithdrawnV1.type);
    expect(PAYMENTS_EVENTS.FundsWithdrawnV1.schema.parse(rows[0].payload)).toEqual({
      customerId: ivy.id,
      transactionId: receipt.transactionId,
      amount: usd(300),
      balance: usd(700),
      occurredAt: expect.any(String),
    });
    const admin = await issuer.issue({ sub: randomUUID(), roles: ['admin'], email: 'admin@archipelago.local' });
    await http(`${suite.base}/closures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ customerId: ivy.id, reason: 'closed by request' }),
    });
    const closed = await ivy.withdraw({ amount: usd(1) });
    expect(closed.status).toBe(409);
    expect((await closed.json()).code).toBe('ACCOUNT.CLOSED');
    expect(await ivy.balance()).toBe(700);
  });

  it('never overdraws under 10 withdrawals over HTTP racing 10 order captures on one wallet', async () => {
    const jay = await newCustomer(suite);
    await jay.deposit({ amount: usd(1000) });
    const bus = suite.app.get(CommandBus);
    const captures = Array.from({ length: 10 }, (_, i) =>
      bus
        .execute(
          new CapturePaymentCommand(
            `${suite.prefix}${randomUUID()}`,
            jay.id,
            usd(70),
            { consumerGroup: 'commerce.payments.race', messageId: randomUUID(), topic: ORDERING_PAYMENT_COMMANDS_TOPIC },
            { correlationId: `race-capture-${i}` },
          ),
        )
        .then((r: UnitOfWorkResult<PaymentOutcome>) => (!r.duplicate && r.result.kind === 'captured' ? 'ok' : 'refused')),
    );
    const withdrawals = Array.from({ length: 10 }, () => jay.withdraw({ amount: usd(70) }).then((r) => (r.status === 201 ? 'ok' : String(r.status))));
    const results = await Promise.all([...captures, ...withdrawals]);
    // 1000 / 70 = 14 debits fit, whichever kind wins; every other one is refused, none overdraws.
    expect(results.filter((r) => r === 'ok')).toHaveLength(14);
    expect(results.filter((r) => r !== 'ok' && r !== 'refused' && r !== '422')).toEqual([]);
    expect(await jay.balance()).toBe(1000 - 14 * 70);
    const { rows } = await suite.infrastructure.pool.query(
      `SELECT count(*)::int AS n, min((data->>'balance')::bigint)::int AS lowest FROM payments.events
        WHERE stream_id = $1 AND event_type IN ('PaymentCaptured', 'FundsWithdrawn')`,
      [`account-${jay.id}`],
    );
    expect(rows[0]).toEqual({ n: 14, lowest: 20 });
  });

  it('pages transactions newest first with an opaque cursor and rejects a forged one', async () => {
    const fay = await newCustomer(suite);
    for (const amount of [1, 2, 3, 4, 5]) await fay.deposit({ amount: usd(amount) });
    await eventually(async () => (await (await fay.get('/transactions?limit=100')).json()).items.length === 5);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: Array<{ type: string; amount: { amount: number }; at: string }>; nextCursor: string | null } = await (
        await fay.get(`/transactions?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const t of page.items) expect(t.type).toBe('deposit');
      seen.push(...page.items.map((t) => t.amount.amount));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([5, 4, 3, 2, 1]);
    expect((await fay.get('/transactions?cursor=not-a-cursor')).status).toBe(400);
    expect((await fay.get('/transactions?limit=1000')).status).toBe(400);
    // Another customer sees none of them.
    const other = await newCustomer(suite);
    expect((await (await other.get('/transactions')).json()).items).toEqual([]);
  });
});
