import type { Money } from '../money.js';

/**
 * Domain events of the Account aggregate (stream `account-<customerId>`). Private to payments;
 * the integration events in commerce-contracts are derived from them. `balance` is the balance
 * in minor units after the event; `at` is ISO 8601.
 */

/** The wallet came into being (always together with its first deposit). */
export interface AccountOpened {
  readonly type: 'AccountOpened';
  readonly data: { readonly customerId: string; readonly currency: string; readonly at: string };
}

/** Money was paid into the wallet. */
export interface FundsDeposited {
  readonly type: 'FundsDeposited';
  readonly data: {
    readonly customerId: string;
    readonly transactionId: string;
    readonly amount: Money;
    readonly balance: number;
    readonly at: string;
  };
}

/** Money was paid out of the wallet at the customer's request (never below zero). */
export interface FundsWithdrawn {
  readonly type: 'FundsWithdrawn';
  readonly data: {
    readonly customerId: string;
    readonly transactionId: string;
    readonly amount: Money;
    readonly balance: number;
    readonly at: string;
  };
}

/** An order's payment was debited (at most once per order). */
export interface PaymentCaptured {
  readonly type: 'PaymentCaptured';
  readonly data: {
    readonly customerId: string;
    readonly orderId: string;
    readonly transactionId: string;
    readonly amount: Money;
    readonly balance: number;
    readonly at: string;
  };
}

/** A captured payment was credited back (at most once per order). */
export interface PaymentRefunded {
  readonly type: 'PaymentRefunded';
  readonly data: {
    readonly customerId: string;
    readonly orderId: string;
    readonly transactionId: string;
    readonly amount: Money;
    readonly balance: number;
    readonly reason: string;
    readonly at: string;
  };
}

/**
 * A refund arrived before any capture of the order: a tombstone, so that a later capture of the
 * same order is declined (`cancelled`) instead of taking money for a cancelled order.
 */
export interface PaymentVoided {
  readonly type: 'PaymentVoided';
  readonly data: {
    readonly customerId: string;
    readonly orderId: string;
    readonly transactionId: string;
    readonly reason: string;
    readonly at: string;
  };
}

/** The wallet was closed; from now on it rejects deposits and captures. */
export interface AccountClosed {
  readonly type: 'AccountClosed';
  readonly data: { readonly customerId: string; readonly reason: string; readonly at: string };
}

/** Every domain event of the Account aggregate. */
export type AccountEvent = AccountOpened | FundsDeposited | FundsWithdrawn | PaymentCaptured | PaymentRefunded | PaymentVoided | AccountClosed;
