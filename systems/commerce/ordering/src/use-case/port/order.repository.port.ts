import type { OrderEvent } from '../../entity/order/order.events.js';
import type { OrderState } from '../../entity/order/order.state.js';
import type { CommandContext } from './command-context.js';

/** An order stream folded to its state, with the version to append at. */
export interface LoadedOrder {
  readonly state: OrderState;
  /** Number of events in the stream (0 = absent). */
  readonly version: number;
}

/** Another writer appended to the stream since it was loaded; reload and decide again. */
export class ConcurrencyConflictError extends Error {
  readonly code = 'ORDER.CONCURRENCY_CONFLICT';
  constructor(orderId: string) {
    super(`Order ${orderId} was changed concurrently`);
  }
}

/** Another request stored the same Idempotency-Key first; look it up again. */
export class IdempotencyKeyTakenError extends Error {
  readonly code = 'ORDER.IDEMPOTENCY_KEY_TAKEN';
  constructor() {
    super('The Idempotency-Key was stored concurrently');
  }
}

/** Order streams, as one transaction sees them (inside a reply's inbox transaction, or on their own). */
export interface OrderStreamsPort {
  load(orderId: string): Promise<LoadedOrder>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, the saga commands and
   * integration events they imply (outbox) and the order's timeout deadline.
   * @throws ConcurrencyConflictError when the stream moved on
   */
  save(orderId: string, events: readonly OrderEvent[], expectedVersion: number, context: CommandContext): Promise<void>;
}

/** An Idempotency-Key of a customer and what it was first used for. */
export interface IdempotencyRecord {
  readonly orderId: string;
  /** Canonical form of the request body the key was first used with. */
  readonly fingerprint: string;
}

/** A stored event with when it was recorded (for the saga view). */
export interface RecordedOrderEvent {
  readonly event: OrderEvent;
  readonly version: number;
  /** ISO 8601. */
  readonly recordedAt: string;
}

/** Event-sourced storage of orders (implemented in repository/). */
export interface OrderRepositoryPort extends OrderStreamsPort {
  /**
   * Saves a new order's `OrderPlaced` together with the customer's Idempotency-Key (one transaction).
   * @throws IdempotencyKeyTakenError when the key was stored concurrently
   */
  place(
    orderId: string,
    events: readonly OrderEvent[],
    context: CommandContext,
    idempotency: { readonly customerId: string; readonly key: string; readonly fingerprint: string } | null,
  ): Promise<void>;
  findIdempotencyKey(customerId: string, key: string): Promise<IdempotencyRecord | null>;
  /** Every event of the order with its recording time, oldest first; empty for an unknown order. */
  history(orderId: string): Promise<RecordedOrderEvent[]>;
}

export const ORDER_REPOSITORY = Symbol('OrderRepositoryPort');
