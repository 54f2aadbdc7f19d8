/**
 * Deadlines of pending orders (written with `OrderPlaced`, removed when the order reaches the
 * point of no return or finishes). Safe with several instances (implemented in repository/).
 */
export interface OrderDeadlinesPort {
  /**
   * Claims up to `limit` orders whose deadline is at or before `now` (ISO 8601, the same clock that
   * set the deadline), leasing each until `now + leaseMs` so that no other instance claims it
   * meanwhile; a claim not resolved by then is claimed again.
   */
  claimDue(now: string, limit: number, leaseMs: number): Promise<string[]>;
}

export const ORDER_DEADLINES = Symbol('OrderDeadlinesPort');
