import type { Money } from '../money.js';

/**
 * What the Account knows about one order's payment:
 * `captured` (debited), `refunded` (debited, then credited back) or `voided` (refund first: tombstone).
 */
export type PaymentRecord =
  | { readonly status: 'captured'; readonly amount: Money; readonly captureTransactionId: string }
  | {
      readonly status: 'refunded';
      readonly amount: Money;
      readonly captureTransactionId: string;
      readonly refundTransactionId: string;
    }
  | { readonly status: 'voided'; readonly voidTransactionId: string };

/**
 * State of an Account stream. `absent` before the first deposit (the stream may still hold
 * tombstones of refunds that arrived first); `balance` in minor units of `currency`, never < 0.
 */
export interface AccountState {
  readonly status: 'absent' | 'open' | 'closed';
  readonly customerId?: string;
  readonly currency?: string;
  readonly balance: number;
  /** Payments by order id. */
  readonly payments: Readonly<Record<string, PaymentRecord>>;
}

/** The state of an empty stream. */
export const initialAccountState = (): AccountState => ({ status: 'absent', balance: 0, payments: {} });
