import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { ORDERING_PAYMENT_COMMANDS_TOPIC } from '@archipelago/commerce-contracts';
import { createTestDatabase } from '@archipelago/testing-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountDecider } from '../entity/account/account.decider.js';
import type { AccountEvent } from '../entity/account/account.events.js';
import { CapturePaymentCommand } from '../use-case/capture-payment/capture-payment.command.js';
import { CapturePaymentUseCase } from '../use-case/capture-payment/capture-payment.use-case.js';
import { DepositCommand } from '../use-case/deposit/deposit.command.js';
import { DepositUseCase } from '../use-case/deposit/deposit.use-case.js';
import { ConcurrencyConflictError, type PaymentOutcome, type UnitOfWorkResult } from '../use-case/port/account.repository.port.js';
import { RefundPaymentCommand } from '../use-case/refund-payment/refund-payment.command.js';
import { RefundPaymentUseCase } from '../use-case/refund-payment/refund-payment.use-case.js';
import { withConflictRetry } from '../use-case/with-conflict-retry.js';
import { AccountEventStoreRepository, accountStreamId } from './account.event-store.repository.js';
import { migratePayments } from './payments.data-source.js';
import { PaymentsInfrastructure } from './payments.infrastructure.js';

// Integration test on real Postgres: the Account state no longer holds a record per order, so the
// repository reads an order's record from that order's events of the wallet stream. These tests
// check that the record is found in the stream (long history, cold cache) and that concurrent
// units of work on one order still charge it once.

const usd = (amount: number) => ({ amount, currency: 'USD' });
const settings = { currency: 'USD' };

let infrastructure: PaymentsInfrastructure;
beforeAll(async () => {
  const url = await createTestDatabase('payments_orders');
  await migratePayments(url, 'payments');
  infrastructure = await PaymentsInfrastructure.open({ databaseUrl: url, schema: 'payments', transport: 'postgres' });
  await infrastructure.start();
}, 120_000);
afterAll(async () => {
  await infrastructure?.close();
});

/** The payments use cases over `repository` (a fresh repository has a cold stream state cache). */
function useCasesOf(repository: AccountEventStoreRepository) {
  const inbox = () => ({ consumerGroup: 'commerce.payments.it', messageId: randomUUID(), topic: ORDERING_PAYMENT_COMMANDS_TOPIC });
  const capture = new CapturePaymentUseCase(repository, infrastructure.readModel, settings);
  const refund = new RefundPaymentUseCase(repository, infrastructure.readModel, settings);
  const deposit = new DepositUseCase(repository, infrastructure.readModel, settings);
  const outcome = (result: UnitOfWorkResult<PaymentOutcome>): PaymentOutcome => {
    if (result.duplicate) throw new Error('unexpected duplicate');
    return result.result;
  };
  return {
    deposit: (customerId: string, amount: number) => deposit.execute(new DepositCommand(customerId, usd(amount), undefined, {})),
    capture: async (orderId: string, customerId: string, amount: number) =>
      outcome(await capture.execute(new CapturePaymentCommand(orderId, customerId, usd(amount), inbox(), {}))),
    refund: async (orderId: string, customerId: string) =>
      outcome(await refund.execute(new RefundPaymentCommand(orderId, customerId, 'timeout', inbox(), {}))),
  };
}

/** Events of `type` for `orderId` in the customer's wallet stream. */
async function countEvents(customerId: string, orderId: string, type: AccountEvent['type']): Promise<number> {
  const { rows } = await infrastructure.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM payments.events WHERE stream_id = $1 AND event_type = $2 AND data->>'orderId' = $3`,
    [accountStreamId(customerId), type, orderId],
  );
  return rows[0]!.n;
}

const balanceOf = async (repository: AccountEventStoreRepository, customerId: string) => (await repository.load(customerId)).state.balance;

describe('AccountEventStoreRepository: the payment record of an order comes from its events in the stream', () => {
  it('a wallet with 300 paid orders still refuses a second capture of an early order and refunds it, from a cold cache', async () => {
    const customer = randomUUID();
    const warm = useCasesOf(infrastructure.repository);
    await warm.deposit(customer, 1_000_000);
    const orders = Array.from({ length: 300 }, (_, i) => `order-${i}`);
    const first: PaymentOutcome[] = [];
    for (const [i, order] of orders.entries()) first.push(await warm.capture(order, customer, 100 + i));
    expect(first.every((o) => o.kind === 'captured')).toBe(true);
    const spent = orders.reduce((sum, _, i) => sum + 100 + i, 0);
    expect(await balanceOf(infrastructure.repository, customer)).toBe(1_000_000 - spent);

    // Another replica (or a restart): nothing about this wallet in memory.
    const coldRepository = new AccountEventStoreRepository(infrastructure.pool, infrastructure.store, infrastructure.messaging);
    const cold = useCasesOf(coldRepository);
    const again = await cold.capture('order-3', customer, 103);
    expect(again).toEqual(first[3]);
    expect(await countEvents(customer, 'order-3', 'PaymentCaptured')).toBe(1);
    expect(await balanceOf(coldRepository, customer)).toBe(1_000_000 - spent);

    const refund = await cold.refund('order-3', customer);
    expect(refund).toMatchObject({ kind: 'refunded', orderId: 'order-3', amount: usd(103) });
    expect(await balanceOf(coldRepository, customer)).toBe(1_000_000 - spent + 103);
    // Refunded once: a repeated refund answers the same refund; a late capture does not charge again.
    expect(await useCasesOf(new AccountEventStoreRepository(infrastructure.pool, infrastructure.store, infrastructure.messaging)).refund('order-3', customer)).toEqual(refund);
    expect(await cold.capture('order-3', customer, 103)).toEqual(first[3]);
    expect(await countEvents(customer, 'order-3', 'PaymentRefunded')).toBe(1);
    expect(await countEvents(customer, 'order-3', 'PaymentCaptured')).toBe(1);
    expect(await balanceOf(infrastructure.repository, customer)).toBe(1_000_000 - spent + 103);

    // A refund before the capture still leaves a tombstone that declines the late capture.
    expect(await cold.refund('order-late', customer)).toMatchObject({ kind: 'refunded', amount: usd(0) });
    expect(await warm.capture('order-late', customer, 50)).toEqual({ kind: 'declined', orderId: 'order-late', customerId: customer, reason: 'cancelled' });
    expect(await balanceOf(coldRepository, customer)).toBe(1_000_000 - spent + 103);

    // With the wallet's statistics known, the order's events are found through the order index.
    await infrastructure.pool.query('ANALYZE payments.events');
    const { rows } = await infrastructure.pool.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT event_type, data FROM payments.events
       WHERE stream_id = $1 AND data ? 'orderId' AND data->>'orderId' = 'order-3' AND stream_version <= 1000
       ORDER BY stream_version`,
      [accountStreamId(customer)],
    );
    expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('events_stream_order_idx');
  }, 120_000);

  it('two units of work capturing the same order at once: one appends, the other conflicts and its retry charges nothing', async () => {
    const customer = randomUUID();
    const repository = infrastructure.repository;
    await useCasesOf(repository).deposit(customer, 1000);
    const order = 'order-raced';
    // Both units of work load the wallet and the order's record before either appends.
    let arrived = 0;
    let bothLoaded!: () => void;
    const loaded = new Promise<void>((resolve) => (bothLoaded = resolve));
    const decided: number[] = [];
    let conflicts = 0;
    const unitOfWork = () =>
      withConflictRetry(() =>
        repository.transaction(async (tx) => {
          const { state, version, payment } = await repository.loadForOrder(customer, order, tx);
          const events = accountDecider.decide(
            {
              type: 'CapturePayment',
              data: { customerId: customer, orderId: order, transactionId: randomUUID(), amount: usd(600), currency: 'USD', now: new Date().toISOString(), payment },
            },
            state,
          );
          decided.push(events.length);
          if (++arrived === 2) bothLoaded();
          await loaded;
          try {
            await repository.save(tx, customer, events, version, {}, []);
          } catch (error) {
            if (error instanceof ConcurrencyConflictError) conflicts++;
            throw error;
          }
          return events;
        }),
      );
    const [a, b] = await Promise.all([unitOfWork(), unitOfWork()]);
    // Both first attempts decided a capture; the one that lost the append conflicted and ran
    // again, now reading the winner's capture in the order's record: it decided nothing.
    expect(decided).toEqual([1, 1, 0]);
    expect(conflicts).toBe(1);
    expect([a, b].map((r) => (r.duplicate ? undefined : r.result.length)).sort()).toEqual([0, 1]);
    expect(await countEvents(customer, order, 'PaymentCaptured')).toBe(1);
    expect(await balanceOf(repository, customer)).toBe(400);
  });

  it('eight concurrent capture commands of one order (distinct messages) charge it once and all answer that capture', async () => {
    const customer = randomUUID();
    const payments = useCasesOf(infrastructure.repository);
    await payments.deposit(customer, 1000);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => payments.capture('order-dup', customer, 300)));
    expect(outcomes.every((o) => o.kind === 'captured')).toBe(true);
    expect(new Set(outcomes.map((o) => (o.kind === 'captured' ? o.transactionId : undefined))).size).toBe(1);
    expect(await countEvents(customer, 'order-dup', 'PaymentCaptured')).toBe(1);
    expect(await balanceOf(infrastructure.repository, customer)).toBe(700);
  });
});
