/** Deployment settings the ordering use cases need. */
export interface OrderingSettings {
  /** ISO 4217 code of the deployment's single currency (`COMMERCE_CURRENCY`). */
  readonly currency: string;
  /** How long an order may stay pending before the saga cancels it with `timeout` (`ORDER_TIMEOUT_MS`). */
  readonly orderTimeoutMs: number;
}

export const ORDERING_SETTINGS = Symbol('OrderingSettings');
