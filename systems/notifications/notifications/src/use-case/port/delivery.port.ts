import type { DeliveryOutcome } from '../../entity/delivery/delivery.js';

export type { DeliveryOutcome } from '../../entity/delivery/delivery.js';

/**
 * One channel's outbound deliveries (`deliveries` rows of that channel), claimed in rounds.
 * `D` is what a due delivery carries for its channel.
 */
export interface DeliveryQueuePort<D> {
  /**
   * Claims up to `limit` pending deliveries due at `now`, one after the other (FOR UPDATE SKIP
   * LOCKED: replicas never claim the same one), lets `work` decide each one's outcome and records
   * it in the transaction that claimed it (one commit per delivery). Returns how many were claimed.
   */
  processDue(now: string, limit: number, work: (delivery: D) => Promise<DeliveryOutcome>): Promise<number>;
}

/** A channel of outbound deliveries. */
export type DeliveryChannel = 'email' | 'push';

/** A dead delivery (every attempt failed, or it could never be sent), as an operator sees it. */
export interface DeadDelivery {
  /** The `deliveries` row id (a bigint, as a decimal string). */
  readonly id: string;
  readonly channel: DeliveryChannel;
  readonly notificationId: string;
  /** User id, or `mailto:<address>` for an address with no account. */
  readonly recipientId: string;
  readonly category: string;
  readonly attempts: number;
  readonly lastError: string;
  /** When it was declared dead (ISO 8601 UTC). */
  readonly deadAt: string;
}

/** Which dead deliveries an operator command looks at: a channel, or some ids (none = all). */
export interface DeadDeliveryFilter {
  readonly channel?: DeliveryChannel;
  readonly ids?: readonly string[];
}

/**
 * The dead deliveries of every channel (`deliveries` rows with status `dead` and their
 * `delivery_dead_letters` records), for operators: list them, send them again.
 */
export interface DeadDeliveriesPort {
  /** Dead deliveries matching `filter`, oldest death first, at most `limit`. */
  list(filter: DeadDeliveryFilter, limit: number): Promise<DeadDelivery[]>;
  /**
   * Queues the dead deliveries matching `filter` again: pending, due at `now` (ISO 8601), with a
   * full set of attempts (the dead-letter record stays as history). Returns how many.
   */
  retry(filter: DeadDeliveryFilter, now: string): Promise<number>;
}
