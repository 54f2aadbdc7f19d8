/** Deployment settings the ordering use cases need. */
export interface OrderingSettings {
  /** ISO 4217 code of the deployment's single currency (`COMMERCE_CURRENCY`). */
  readonly currency: string;
  /** How long an order may stay pending before the saga cancels it with `timeout` (`ORDER_TIMEOUT_MS`). */
  readonly orderTimeoutMs: number;
  /** How long after delivery the customer may return an order (`ORDER_RETURN_WINDOW_MS`); default 14 days. */
  readonly returnWindowMs?: number;
}

/** The default return window: 14 days, in ms. */
export const DEFAULT_RETURN_WINDOW_MS = 14 * 24 * 3_600_000;

export const ORDERING_SETTINGS = Symbol('OrderingSettings');
