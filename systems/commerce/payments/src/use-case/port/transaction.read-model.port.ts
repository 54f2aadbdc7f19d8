import type { Money } from '../../entity/money.js';

/** One wallet movement as clients read it. `amount` is always positive; `type` gives the direction. */
export interface TransactionView {
  readonly id: string;
  readonly type: 'deposit' | 'withdrawal' | 'payment' | 'refund';
  readonly amount: Money;
  readonly orderId?: string;
  /** ISO 8601. */
  readonly at: string;
}

/** One page, newest first; `nextCursor` is opaque, `null` on the last page. */
export interface TransactionPage {
  readonly items: readonly TransactionView[];
  readonly nextCursor: string | null;
}

/** Thrown for a cursor this service did not hand out. */
export class InvalidCursorError extends Error {
  readonly code = 'PAGINATION.INVALID_CURSOR';
  constructor() {
    super('cursor is not valid');
  }
}

/** The wallet transactions projection (eventually consistent with the event store). */
export interface TransactionReadModelPort {
  /** @throws InvalidCursorError */
  list(customerId: string, limit: number, cursor?: string): Promise<TransactionPage>;
  /** Asks the projection to catch up now (after a write), without waiting. */
  refresh(): void;
}

export const TRANSACTION_READ_MODEL = Symbol('TransactionReadModelPort');
