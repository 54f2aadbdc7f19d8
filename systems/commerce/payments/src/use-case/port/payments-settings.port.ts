/** Deployment settings the payments use cases need. */
export interface PaymentsSettings {
  /** ISO 4217 code of the deployment's single currency (`COMMERCE_CURRENCY`). */
  readonly currency: string;
}

export const PAYMENTS_SETTINGS = Symbol('PaymentsSettings');
