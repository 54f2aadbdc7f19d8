import type { Decider } from '@archipelago/util-decider';
import { assertPositiveMoney, type Money } from '../money.js';
import { AccountClosedError, AccountNotFoundError, InsufficientFundsError, PaymentCancelledError } from './account.errors.js';
import type { AccountEvent } from './account.events.js';
import { initialAccountState, type AccountState } from './account.state.js';

/**
 * Commands of the Account aggregate. `transactionId` (a fresh UUID), `now` (ISO 8601) and
 * `currency` (the deployment's, `COMMERCE_CURRENCY`) come from outside: decide stays pure.
 */
export type AccountCommand =
  | {
      readonly type: 'Deposit';
      readonly data: { customerId: string; transactionId: string; amount: Money; currency: string; now: string };
    }
  | {
      readonly type: 'CapturePayment';
      readonly data: { customerId: string; orderId: string; transactionId: string; amount: Money; currency: string; now: string };
    }
  | {
      readonly type: 'RefundPayment';
      readonly data: { customerId: string; orderId: string; transactionId: string; reason: string; now: string };
    }
  | { readonly type: 'CloseAccount'; readonly data: { customerId: string; reason: string; now: string } };

/**
 * Decides the events of an Account command. Idempotent per order: capturing a captured (or
 * refunded) order and refunding a refunded or voided one decide nothing.
 * @throws AccountNotFoundError (no wallet), AccountClosedError, InsufficientFundsError,
 *   PaymentCancelledError (capture after a refund tombstone), InvalidMoneyError, CurrencyMismatchError
 */
export function decideAccount(command: AccountCommand, state: AccountState): AccountEvent[] {
  switch (command.type) {
    case 'Deposit': {
      const { customerId, transactionId, currency, now } = command.data;
      if (state.status === 'closed') throw new AccountClosedError(customerId);
      const amount = assertPositiveMoney(command.data.amount, currency);
      const deposited: AccountEvent = {
        type: 'FundsDeposited',
        data: { customerId, transactionId, amount, balance: state.balance + amount.amount, at: now },
      };
      return state.status === 'absent'
        ? [{ type: 'AccountOpened', data: { customerId, currency, at: now } }, deposited]
        : [deposited];
    }
    case 'CapturePayment': {
      const { customerId, orderId, transactionId, currency, now } = command.data;
      const previous = state.payments[orderId];
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
      const { customerId, orderId, transactionId, reason, now } = command.data;
      const previous = state.payments[orderId];
      if (!previous) return [{ type: 'PaymentVoided', data: { customerId, orderId, transactionId, reason, at: now } }];
      if (previous.status !== 'captured') return [];
      // A compensation gives back money that was taken: it is credited even to a closed wallet.
      const amount = previous.amount;
      return [
        {
          type: 'PaymentRefunded',
          data: { customerId, orderId, transactionId, amount, balance: state.balance + amount.amount, reason, at: now },
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

/** Folds one Account event into the state. */
export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened':
      return { ...state, status: 'open', customerId: event.data.customerId, currency: event.data.currency };
    case 'FundsDeposited':
      return { ...state, balance: event.data.balance };
    case 'PaymentCaptured': {
      const { orderId, amount, transactionId, balance } = event.data;
      return {
        ...state,
        balance,
        payments: { ...state.payments, [orderId]: { status: 'captured', amount, captureTransactionId: transactionId } },
      };
    }
    case 'PaymentRefunded': {
      const { orderId, amount, transactionId, balance } = event.data;
      const previous = state.payments[orderId];
      const captureTransactionId = previous && previous.status !== 'voided' ? previous.captureTransactionId : transactionId;
      return {
        ...state,
        balance,
        payments: {
          ...state.payments,
          [orderId]: { status: 'refunded', amount, captureTransactionId, refundTransactionId: transactionId },
        },
      };
    }
    case 'PaymentVoided': {
      const { orderId, transactionId } = event.data;
      return { ...state, payments: { ...state.payments, [orderId]: { status: 'voided', voidTransactionId: transactionId } } };
    }
    case 'AccountClosed':
      return { ...state, status: 'closed' };
  }
}

/** The Account decider (Emmett-style `decide`/`evolve`/`initialState`). */
export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  decide: decideAccount,
  evolve: evolveAccount,
  initialState: initialAccountState,
};
