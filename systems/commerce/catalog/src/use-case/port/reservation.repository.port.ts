import type { ProductEvent } from '../../entity/product/product.events.js';
import type { ReservationReply } from '../../entity/reservation/reservation.decider.js';
import type { ReservationEvent } from '../../entity/reservation/reservation.events.js';
import type { ReservationState } from '../../entity/reservation/reservation.state.js';
import type { CommandContext } from './command-context.js';

/** An order's reservation folded to its state, with the version to append at (0 = none). */
export interface LoadedReservation {
  readonly state: ReservationState;
  readonly version: number;
}

/** The message a command came in (inbox key: consumer group + message id). */
export interface MessageDelivery {
  /** CloudEvents `id` of the message. */
  readonly messageId: string;
  readonly topic: string;
}

/** Everything one reservation command changes, committed together or not at all. */
export interface ReservationChange {
  readonly orderId: string;
  /** Events for `reservation-<orderId>` (may be empty: a repeated command only answers). */
  readonly events: readonly ReservationEvent[];
  readonly expectedVersion: number;
  /** Events per product stream, each appended at its expected version. */
  readonly products: ReadonlyArray<{
    readonly productId: string;
    readonly events: readonly ProductEvent[];
    readonly expectedVersion: number;
  }>;
  /** The reply to publish (outbox). */
  readonly reply: ReservationReply;
}

/** Event-sourced storage of order reservations (implemented in repository/). */
export interface ReservationRepositoryPort {
  load(orderId: string): Promise<LoadedReservation>;
  /**
   * In ONE transaction: records `delivery` in the inbox, appends the product events and the
   * reservation events at their expected versions and writes the reply to the outbox.
   * Returns `false` (and changes nothing) when `delivery` was processed before.
   * @throws ConcurrencyConflictError when any of the streams moved on (nothing is written)
   */
  commit(change: ReservationChange, delivery: MessageDelivery, context: CommandContext): Promise<boolean>;
}

export const RESERVATION_REPOSITORY = Symbol('ReservationRepositoryPort');
