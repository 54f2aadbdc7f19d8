import {
  ident,
  inTransaction,
  isUniqueViolation,
  PostgresEventStore,
  WrongExpectedVersionError,
  type SqlClient,
} from '@archipelago/platform-event-store';
import { Inbox, type Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { orderDecider } from '../entity/order/order.decider.js';
import type { OrderEvent } from '../entity/order/order.events.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  ConcurrencyConflictError,
  IdempotencyKeyTakenError,
  type IdempotencyRecord,
  type LoadedOrder,
  type OrderRepositoryPort,
  type OrderStreamsPort,
  type RecordedOrderEvent,
} from '../use-case/port/order.repository.port.js';
import type { SagaInboxPort } from '../use-case/port/saga-inbox.port.js';
import { OrderSagaMetrics } from './order-saga.metrics.js';
import { toOutgoingMessages } from './order.outgoing-messages.js';

/** Stream id of an order (and its saga): `order-<uuid>`. */
export const orderStreamId = (orderId: string): string => `order-${orderId}`;

/** The saga metrics of this process (created on first write; they live in the process-wide registry). */
let sagaMetrics: OrderSagaMetrics | undefined;

/** Events after which the timeout no longer applies: the point of no return, or the end. */
const CLEARS_DEADLINE = new Set<OrderEvent['type']>(['PaymentCaptured', 'OrderConfirmed', 'OrderCancelled']);

/**
 * Order streams on one SQL client (a pool, or a client inside a transaction). `save` writes, in the
 * caller's transaction, the events, the outbox messages they send and the timeout deadline.
 */
class OrderStreams implements OrderStreamsPort {
  constructor(
    private readonly client: SqlClient,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {}

  async load(orderId: string): Promise<LoadedOrder> {
    const events = await this.store.readStream(this.client, orderStreamId(orderId));
    const state = events.reduce((s, e) => orderDecider.evolve(s, { type: e.type, data: e.data } as OrderEvent), orderDecider.initialState());
    return { state, version: events.length };
  }

  async save(orderId: string, events: readonly OrderEvent[], expectedVersion: number, context: CommandContext): Promise<void> {
    try {
      await this.store.append(this.client, orderStreamId(orderId), events.map((e) => ({ type: e.type, data: e.data })), {
        expectedVersion,
        metadata: { ...context },
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new ConcurrencyConflictError(orderId);
      throw error;
    }
    await (sagaMetrics ??= new OrderSagaMetrics()).recorded(this.client, this.store.schema, orderStreamId(orderId), events);
    await this.messaging.outbox.add(this.client, toOutgoingMessages(events, context.traceparent));
    const deadlines = `${ident(this.store.schema)}.order_deadlines`;
    for (const event of events) {
      if (event.type === 'OrderPlaced') {
        await this.client.query(`INSERT INTO ${deadlines} (order_id, deadline_at) VALUES ($1, $2)`, [orderId, event.data.deadline]);
      } else if (CLEARS_DEADLINE.has(event.type)) {
        await this.client.query(`DELETE FROM ${deadlines} WHERE order_id = $1`, [orderId]);
      }
    }
  }
}

/**
 * Orders in the Postgres event store (stream `order-<id>`: the order and its saga). Every write
 * commits its events, the outbox messages they send, the deadline and (at placement) the
 * Idempotency-Key in ONE transaction.
 */
export class OrderEventStoreRepository implements OrderRepositoryPort {
  private readonly pooled: OrderStreams;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {
    this.pooled = new OrderStreams(pool, store, messaging);
  }

  /** Order streams bound to `client` (a transaction). */
  streams(client: SqlClient): OrderStreamsPort {
    return new OrderStreams(client, this.store, this.messaging);
  }

  load(orderId: string): Promise<LoadedOrder> {
    return this.pooled.load(orderId);
  }

  async save(orderId: string, events: readonly OrderEvent[], expectedVersion: number, context: CommandContext): Promise<void> {
    await inTransaction(this.pool, (client) => this.streams(client).save(orderId, events, expectedVersion, context));
  }

  async place(
    orderId: string,
    events: readonly OrderEvent[],
    context: CommandContext,
    idempotency: { customerId: string; key: string; fingerprint: string } | null,
  ): Promise<void> {
    try {
      await inTransaction(this.pool, async (client) => {
        if (idempotency) {
          await client.query(
            `INSERT INTO ${this.table('order_idempotency_keys')} (customer_id, idempotency_key, fingerprint, order_id) VALUES ($1, $2, $3, $4)`,
            [idempotency.customerId, idempotency.key, idempotency.fingerprint, orderId],
          );
        }
        await this.streams(client).save(orderId, events, 0, context);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'order_idempotency_keys_pkey')) throw new IdempotencyKeyTakenError();
      throw error;
    }
  }

  async findIdempotencyKey(customerId: string, key: string): Promise<IdempotencyRecord | null> {
    const { rows } = await this.pool.query<{ order_id: string; fingerprint: string }>(
      `SELECT order_id, fingerprint FROM ${this.table('order_idempotency_keys')} WHERE customer_id = $1 AND idempotency_key = $2`,
      [customerId, key],
    );
    return rows[0] ? { orderId: rows[0].order_id, fingerprint: rows[0].fingerprint } : null;
  }

  async history(orderId: string): Promise<RecordedOrderEvent[]> {
    const events = await this.store.readStream(this.pool, orderStreamId(orderId));
    return events.map((e) => ({
      event: { type: e.type, data: e.data } as OrderEvent,
      version: e.streamVersion,
      recordedAt: e.recordedAt.toISOString(),
    }));
  }

  private table(name: string): string {
    return `${ident(this.store.schema)}.${name}`;
  }
}

/**
 * The saga's inbox (consumer group `commerce.ordering`): the platform `Inbox` runs the reply's
 * effect and records the message id in one transaction; the effect sees the order streams
 * bound to that transaction.
 */
export class OrderSagaInbox implements SagaInboxPort {
  private readonly inbox: Inbox;

  constructor(
    pool: pg.Pool,
    schema: string,
    consumerGroup: string,
    private readonly repository: OrderEventStoreRepository,
  ) {
    this.inbox = new Inbox(pool, schema, consumerGroup);
  }

  once(messageId: string, topic: string, work: (orders: OrderStreamsPort) => Promise<void>): Promise<boolean> {
    return this.inbox.handleOnce({ id: messageId, topic }, (client) => work(this.repository.streams(client)));
  }
}
