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
