import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, restartTestKafka, startTestKafka, type TestKafka } from '@archipelago/testing-harness';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCommerceStack, type CommerceStack, type ServiceName } from './commerce-stack.js';
import { books, fulfilAndReturn, runOrderRace, settle, type Mint, type Scenario } from './order-saga.js';

// The commerce system's proof (issue 4 §4): three real services, real Postgres, a real Kafka
// broker, 100 orders racing for scarce stock, and the books must balance — also while services
// are SIGKILLed and while the broker restarts.
let issuer: TestIssuer;
let kafka: TestKafka;
let stack: CommerceStack | undefined;
const mint: Mint = async (sub, roles) => issuer.issue({ sub, roles, expiresInSec: 900 });

beforeAll(async () => {
  [issuer, kafka] = await Promise.all([startTestIssuer(), startTestKafka()]);
}, 180_000);
afterAll(async () => {
  await kafka?.stop();
  await issuer?.close();
});
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function assertBooksBalance(scenario: Scenario, final: Map<string, any>, ledger: Awaited<ReturnType<typeof books>>) {
  // Sold and paid: confirmed, shipped or delivered. A returned order is neither (refund and restock).
  const confirmed = [...final.values()].filter((o) => ['confirmed', 'shipped', 'delivered'].includes(o.status));
  // Stock: available = initial − Σ quantities of kept orders, never negative.
  for (const product of scenario.products) {
    const sold = confirmed
      .flatMap((o) => o.items)
      .filter((i: { productId: string }) => i.productId === product.id)
      .reduce((sum: number, i: { quantity: number }) => sum + i.quantity, 0);
    expect(ledger.available.get(product.id), `available of ${product.id}`).toBe(product.initial - sold);
    expect(ledger.available.get(product.id)).toBeGreaterThanOrEqual(0);
  }
  // Money: balance = deposits − Σ totals of confirmed orders; no order charged twice.
  for (const customer of scenario.customers) {
    const wallet = ledger.wallets.get(customer.id)!;
    const mine = confirmed.filter((o) => o.customerId === customer.id);
    const spent = mine.reduce((sum, o) => sum + o.total.amount, 0);
    expect(wallet.balance, `balance of ${customer.id}`).toBe(customer.deposited - spent);
    expect(wallet.balance).toBeGreaterThanOrEqual(0);
    const charges = new Map<string, number>();
    for (const p of wallet.payments) charges.set(p.orderId, (charges.get(p.orderId) ?? 0) + 1);
    expect(
      [...charges.values()].every((n) => n === 1),
      'one payment per order',
    ).toBe(true);
    for (const order of scenario.orders.filter((o) => o.customer === customer.id)) {
      const paid = wallet.payments.filter((p) => p.orderId === order.id).reduce((s, p) => s + p.amount.amount, 0);
      const refunded = wallet.refunds.filter((r) => r.orderId === order.id).reduce((s, r) => s + r.amount.amount, 0);
      const state = final.get(order.id);
      expect(paid - refunded, `net charge of order ${order.id} (${state.status})`).toBe(
        confirmed.includes(state) ? state.total.amount : 0,
      );
      expect(
        wallet.refunds.filter((r) => r.orderId === order.id).length,
        `refunds of order ${order.id}`,
      ).toBeLessThanOrEqual(1);
    }
  }
  // Every order ended, with a reason when cancelled; the poor never got anything confirmed.
  for (const order of final.values()) {
    expect(['confirmed', 'delivered', 'returned', 'cancelled']).toContain(order.status);
    if (order.status === 'cancelled') expect(order.cancellationReason).toBeTruthy();
  }
  for (const poor of scenario.customers.filter((c) => c.deposited < 1000)) {
    expect(confirmed.filter((o) => o.customerId === poor.id)).toEqual([]);
  }
}

/**
 * The books once the run has settled: orders end first (the saga's answer to the customer), their
 * compensations (stock released, refunds) may still be on their way, so the books are read again
 * (vitest's `vi.waitFor`, every second) until they balance or `ms` have passed — then the last
 * mismatch fails the test.
 */
async function settledBooks(stack: CommerceStack, scenario: Scenario, final: Map<string, unknown>, ms = 90_000) {
  return vi.waitFor(
    async () => {
      const ledger = await books(stack, scenario, mint);
      assertBooksBalance(scenario, final, ledger);
      return ledger;
    },
    { timeout: ms, interval: 1_000 },
  );
}

// Each run starts three services, places 100 orders and waits for every saga to end.
describe('order saga across catalog, ordering and payments', { timeout: 300_000 }, () => {
  it('kafka: 20 customers × 5 concurrent orders for scarce stock — the books balance', async () => {
    stack = await startCommerceStack({
      databaseUrl: await createTestDatabase('saga_kafka'),
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      transport: 'kafka',
      kafkaBrokers: kafka.brokers,
    });
    const scenario = await runOrderRace(stack, mint);
    const final = await settle(stack, scenario);
    const reasons = [...final.values()].map((o) => o.cancellationReason);
    expect(reasons).toContain('out_of_stock');
    expect(reasons).toContain('payment_declined');
    expect([...final.values()].some((o) => o.status === 'confirmed')).toBe(true);
    await settledBooks(stack, scenario, final);
    // Ship and deliver every confirmed order, return half of them (each request sent twice).
    const returned = await fulfilAndReturn(stack, scenario, final, mint);
    expect([...returned.values()].some((o) => o.status === 'returned')).toBe(true);
    await settledBooks(stack, scenario, returned);
  });

  it('kafka: services SIGKILLed and restarted at random moments — nothing lost, nothing twice', async () => {
    const s = await startCommerceStack({
      databaseUrl: await createTestDatabase('saga_crash'),
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      transport: 'kafka',
      kafkaBrokers: kafka.brokers,
    });
    stack = s;
    const victims: ServiceName[] = ['ordering', 'catalog', 'payments', 'ordering'];
    const scenario = await runOrderRace(s, mint, async () => {
      for (const victim of victims) {
        await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 1200)));
        await s.crashAndRestart(victim, 300);
      }
    });
    const final = await settle(s, scenario, 180_000);
    await settledBooks(s, scenario, final);
    // Returns while ordering, catalog and payments are SIGKILLed: no double refund, no double restock.
    const returned = await fulfilAndReturn(s, scenario, final, mint, async () => {
      for (const victim of ['ordering', 'payments', 'catalog'] as const) {
        await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 400)));
        await s.crashAndRestart(victim, 300);
      }
    });
    await settledBooks(s, scenario, returned);
    // Two rounds of crashes, placement and returns: 237 s measured here on 2 busy cores.
  }, 480_000);

  // After the restart a kafkajs consumer may hang in its own restart (about one run in three here):
  // the subscription's watchdog recreates it (libs/platform/messaging, subscribeKafka); meanwhile
  // orders time out and their compensations wait. The diagnostics below print the relay and
  // consumer state should the books not balance.
  it('kafka: the broker restarts mid-run — every order still ends and the books balance', async () => {
    const databaseUrl = await createTestDatabase('saga_broker');
    const s = await startCommerceStack({
      databaseUrl,
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      transport: 'kafka',
      kafkaBrokers: kafka.brokers,
    });
    stack = s;
    const scenario = await runOrderRace(s, mint, async () => {
      await new Promise((r) => setTimeout(r, 800));
      kafka = await restartTestKafka(kafka, 2_000);
    });
    const final = await settle(s, scenario, 180_000);
    try {
      await settledBooks(s, scenario, final);
    } catch (error) {
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
      try {
        for (const schema of ['catalog', 'ordering', 'payments']) {
          const { rows } = await pool.query(
            `SELECT count(*) FILTER (WHERE published_at IS NULL) AS unpublished, max(attempts) AS max_attempts,
                    max(last_error) AS last_error, (SELECT count(*) FROM "${schema}".inbox) AS inbox
             FROM "${schema}".outbox`,
          );
          console.error(`--- ${schema} outbox/inbox: ${JSON.stringify(rows[0])}`);
        }
        const reasons = [...final.values()].reduce<Record<string, number>>((acc, o) => {
          const key = `${o.status}:${o.cancellationReason ?? ''}`;
          acc[key] = (acc[key] ?? 0) + 1;
          return acc;
        }, {});
        console.error(`--- order outcomes: ${JSON.stringify(reasons)}`);
      } finally {
        await pool.end();
      }
      for (const name of ['catalog', 'ordering', 'payments'] as const) {
        const errors = s
          .output(name)
          .split('\n')
          .filter((l) => /"level":(50|60)|error/i.test(l));
        console.error(`--- ${name}: ${errors.length} error lines\n${errors.slice(-40).join('\n')}`);
      }
      throw error;
    }
  });

  it('postgres transport: the same race balances, and replaying every message changes nothing', async () => {
    const databaseUrl = await createTestDatabase('saga_pg');
    stack = await startCommerceStack({
      databaseUrl,
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      transport: 'postgres',
    });
    const scenario = await runOrderRace(stack, mint);
    const final = await settle(stack, scenario);
    const before = await settledBooks(stack, scenario, final);

    // Redeliver every message to every consumer group (the postgres transport's checkpoints).
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    try {
      for (const schema of ['catalog', 'ordering', 'payments']) {
        await pool.query(`UPDATE "${schema}".consumer_checkpoints SET transaction_id = '0', position = 0`);
      }
      const caughtUp = async () => {
        const { rows } = await pool.query(
          `SELECT (SELECT count(*) FROM ordering.outbox) + (SELECT count(*) FROM catalog.outbox) + (SELECT count(*) FROM payments.outbox) AS published,
                  (SELECT coalesce(sum(position), 0) FROM catalog.consumer_checkpoints) + (SELECT coalesce(sum(position), 0) FROM ordering.consumer_checkpoints) + (SELECT coalesce(sum(position), 0) FROM payments.consumer_checkpoints) AS progress`,
        );
        return Number(rows[0].progress) > 0;
      };
      const deadline = Date.now() + 60_000;
      while (!(await caughtUp()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 3_000)); // let the redelivery run through
    } finally {
      await pool.end();
    }
    const after = await books(stack, scenario, mint);
    expect(after.available).toEqual(before.available);
    expect([...after.wallets.entries()].map(([id, w]) => [id, w.balance, w.payments.length, w.refunds.length])).toEqual(
      [...before.wallets.entries()].map(([id, w]) => [id, w.balance, w.payments.length, w.refunds.length]),
    );
    const again = await settle(stack, scenario);
    const statuses = (orders: typeof final) => Object.fromEntries([...orders].map(([id, o]) => [id, o.status]));
    expect(statuses(again)).toEqual(statuses(final));
  });
});
