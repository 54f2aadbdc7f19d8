import type { Decider } from '@archipelago/util-decider';
import { assertPositiveMoney, creditBalance, type Money } from '../money.js';
import { AccountClosedError, AccountNotFoundError, InsufficientFundsError, PaymentCancelledError } from './account.errors.js';
import type { AccountEvent } from './account.events.js';
import { initialAccountState, type AccountState, type PaymentRecord } from './account.state.js';

/**
 * Commands of the Account aggregate. `transactionId` (a fresh UUID), `now` (ISO 8601) and
 * `currency` (the deployment's, `COMMERCE_CURRENCY`) come from outside: decide stays pure.
 * `payment` of the payment commands is the order's record as of the loaded stream version
 * ({@link foldPaymentRecord} of that order's events; `undefined` when the stream has none), so the
 * state stays O(1) while capture and refund still decide once per order.
 */
export type AccountCommand =
  | {
      readonly type: 'Deposit';
      readonly data: { customerId: string; transactionId: string; amount: Money; currency: string; now: string };
    }
  | {
      readonly type: 'Withdraw';
      readonly data: { customerId: string; transactionId: string; amount: Money; currency: string; now: string };
    }
  | {
      readonly type: 'CapturePayment';
      readonly data: {
        customerId: string;
        orderId: string;
        transactionId: string;
        amount: Money;
        currency: string;
        now: string;
        payment: PaymentRecord | undefined;
      };
    }
  | {
      readonly type: 'RefundPayment';
      readonly data: { customerId: string; orderId: string; transactionId: string; reason: string; now: string; payment: PaymentRecord | undefined };
    }
  | { readonly type: 'CloseAccount'; readonly data: { customerId: string; reason: string; now: string } };

/**
 * Decides the events of an Account command. A withdrawal, like a capture, never takes the balance
 * below zero and needs an open wallet. Idempotent per order, from the command's `payment`
 * record: capturing a captured (or refunded) order and refunding a refunded or voided one decide
 * nothing; a refund without a record leaves a `PaymentVoided` tombstone.
 * @throws AccountNotFoundError (no wallet), AccountClosedError, InsufficientFundsError,
 *   PaymentCancelledError (capture after a refund tombstone), InvalidMoneyError, CurrencyMismatchError,
 *   BalanceLimitExceededError (a deposit or refund past MAX_BALANCE)
 */
export function decideAccount(command: AccountCommand, state: AccountState): AccountEvent[] {
  switch (command.type) {
    case 'Deposit': {
      const { customerId, transactionId, currency, now } = command.data;
      if (state.status === 'closed') throw new AccountClosedError(customerId);
      const amount = assertPositiveMoney(command.data.amount, currency);
      const deposited: AccountEvent = {
        type: 'FundsDeposited',
        data: { customerId, transactionId, amount, balance: creditBalance(state.balance, amount.amount), at: now },
      };
      return state.status === 'absent'
        ? [{ type: 'AccountOpened', data: { customerId, currency, at: now } }, deposited]
        : [deposited];
    }
    case 'Withdraw': {
      const { customerId, transactionId, currency, now } = command.data;
      if (state.status === 'absent') throw new AccountNotFoundError(customerId);
      if (state.status === 'closed') throw new AccountClosedError(customerId);
      const amount = assertPositiveMoney(command.data.amount, currency);
      if (state.balance < amount.amount) throw new InsufficientFundsError(customerId, state.balance, amount.amount);
      return [{ type: 'FundsWithdrawn', data: { customerId, transactionId, amount, balance: state.balance - amount.amount, at: now } }];
    }
    case 'CapturePayment': {
      const { customerId, orderId, transactionId, currency, now, payment: previous } = command.data;
      if (previous?.status === 'voided') throw new PaymentCancelledError(orderId);
      if (previous) return [];
      if (state.status === 'absent') throw new AccountNotFoundError(customerId);
      if (state.status === 'closed') throw new AccountClosedError(customerId);
      const amount = assertPositiveMoney(command.data.amount, currency);
      if (state.balance < amount.amount) throw new InsufficientFundsError(customerId, state.balance, amount.amount);
      return [
        {
          type: 'PaymentCaptured',
          data: { customerId, orderId, transactionId, amount, balance: state.balance - amount.amount, at: now },
        },
      ];
    }
    case 'RefundPayment': {
      const { customerId, orderId, transactionId, reason, now, payment: previous } = command.data;
      if (!previous) return [{ type: 'PaymentVoided', data: { customerId, orderId, transactionId, reason, at: now } }];
      if (previous.status !== 'captured') return [];
      // A compensation gives back money that was taken: it is credited even to a closed wallet.
      const amount = previous.amount;
      return [
        {
          type: 'PaymentRefunded',
          data: { customerId, orderId, transactionId, amount, balance: creditBalance(state.balance, amount.amount), reason, at: now },
        },
      ];
    }
    case 'CloseAccount': {
      const { customerId, reason, now } = command.data;
      if (state.status === 'absent') throw new AccountNotFoundError(customerId);
      if (state.status === 'closed') return [];
      return [{ type: 'AccountClosed', data: { customerId, reason, at: now } }];
    }
  }
}

/** Folds one Account event into the state (payment events only move the balance). */
export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened':
      return { ...state, status: 'open', customerId: event.data.customerId, currency: event.data.currency };
    case 'FundsDeposited':
    case 'FundsWithdrawn':
    case 'PaymentCaptured':
    case 'PaymentRefunded':
      return { ...state, balance: event.data.balance };
    case 'PaymentVoided':
      return state;
    case 'AccountClosed':
      return { ...state, status: 'closed' };
  }
}

/**
 * Folds one event of an order into that order's payment record (`undefined`: nothing yet). The
 * caller passes only events of that order; events without an order leave the record as it is.
 */
export function evolvePaymentRecord(record: PaymentRecord | undefined, event: AccountEvent): PaymentRecord | undefined {
  switch (event.type) {
    case 'PaymentCaptured': {
      const { amount, transactionId } = event.data;
      return { status: 'captured', amount, captureTransactionId: transactionId };
    }
    case 'PaymentRefunded': {
      const { amount, transactionId } = event.data;
      const captureTransactionId = record && record.status !== 'voided' ? record.captureTransactionId : transactionId;
      return { status: 'refunded', amount, captureTransactionId, refundTransactionId: transactionId };
    }
    case 'PaymentVoided':
      return { status: 'voided', voidTransactionId: event.data.transactionId };
    default:
      return record;
  }
}

/**
 * The payment record of `orderId` from events of its wallet stream in stream order, starting from
 * `record` (default: none). Events of other orders and of the wallet itself are skipped, so the
 * whole stream or only the order's events give the same record.
 */
export function foldPaymentRecord(
  orderId: string,
  events: Iterable<AccountEvent>,
  record: PaymentRecord | undefined = undefined,
): PaymentRecord | undefined {
  let folded = record;
  for (const event of events) {
    if ('orderId' in event.data && event.data.orderId === orderId) folded = evolvePaymentRecord(folded, event);
  }
  return folded;
}

/** The Account decider (Emmett-style `decide`/`evolve`/`initialState`). */
export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  decide: decideAccount,
  evolve: evolveAccount,
  initialState: initialAccountState,
};
