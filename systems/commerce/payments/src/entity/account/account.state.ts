import type { Money } from '../money.js';

/**
 * What the Account knows about one order's payment (`undefined`: nothing yet):
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
 * State of an Account stream, O(1) in the stream's length: `absent` before the first deposit
 * (the stream may still hold tombstones of refunds that arrived first); `balance` in minor units
 * of `currency`, never < 0. The per-order {@link PaymentRecord}s are not part of it: the
 * repository folds the record of the one order a command is about from that order's events.
 */
export interface AccountState {
  readonly status: 'absent' | 'open' | 'closed';
  readonly customerId?: string;
  readonly currency?: string;
  readonly balance: number;
}

/** The state of an empty stream. */
export const initialAccountState = (): AccountState => ({ status: 'absent', balance: 0 });
