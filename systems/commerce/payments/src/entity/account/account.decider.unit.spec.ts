import { deciderSpec } from '@archipelago/testing-decider';
import { describe, expect, it } from 'vitest';
import { BalanceLimitExceededError, CurrencyMismatchError, InvalidMoneyError, MAX_BALANCE } from '../money.js';
import { accountDecider, evolvePaymentRecord, foldPaymentRecord, type AccountCommand } from './account.decider.js';
import {
  AccountClosedError,
  AccountNotFoundError,
  InsufficientFundsError,
  PaymentCancelledError,
} from './account.errors.js';
import type { AccountEvent } from './account.events.js';
import type { PaymentRecord } from './account.state.js';

const spec = deciderSpec(accountDecider);
const now = '2026-11-21T10:00:00.000Z';
const usd = (amount: number) => ({ amount, currency: 'USD' });
const C = 'cust-1';

const opened: AccountEvent = { type: 'AccountOpened', data: { customerId: C, currency: 'USD', at: now } };
const deposited = (amount: number, balance: number, transactionId = 't-dep'): AccountEvent => ({
  type: 'FundsDeposited',
  data: { customerId: C, transactionId, amount: usd(amount), balance, at: now },
});
const captured = (orderId: string, amount: number, balance: number, transactionId = 't-cap'): AccountEvent => ({
  type: 'PaymentCaptured',
  data: { customerId: C, orderId, transactionId, amount: usd(amount), balance, at: now },
});
const closed: AccountEvent = { type: 'AccountClosed', data: { customerId: C, reason: 'fraud', at: now } };

const deposit = (amount: number, currency = 'USD'): AccountCommand => ({
  type: 'Deposit',
  data: { customerId: C, transactionId: 't-dep', amount: { amount, currency }, currency: 'USD', now },
});
const capture = (orderId: string, amount: number, transactionId = 't-cap', payment?: PaymentRecord): AccountCommand => ({
  type: 'CapturePayment',
  data: { customerId: C, orderId, transactionId, amount: usd(amount), currency: 'USD', now, payment },
});
const refund = (orderId: string, transactionId = 't-ref', payment?: PaymentRecord): AccountCommand => ({
  type: 'RefundPayment',
  data: { customerId: C, orderId, transactionId, reason: 'timeout', now, payment },
});
const refunded = (orderId: string, amount: number, balance: number, transactionId = 't-ref'): AccountEvent => ({
  type: 'PaymentRefunded',
  data: { customerId: C, orderId, transactionId, amount: usd(amount), balance, reason: 'timeout', at: now },
});
const voided = (orderId: string, transactionId = 't-ref'): AccountEvent => ({
  type: 'PaymentVoided',
  data: { customerId: C, orderId, transactionId, reason: 'timeout', at: now },
});

/**
 * Given/when/then as the repository runs it: the state is folded from `events`, and a payment
 * command gets its order's record folded from the same events (the repository reads only that
 * order's events of the stream; foldPaymentRecord skips the others).
 */
function given(events: readonly AccountEvent[]) {
  return {
    when(command: AccountCommand) {
      if (command.type === 'CapturePayment' || command.type === 'RefundPayment') {
        const payment = foldPaymentRecord(command.data.orderId, events);
        return spec.given(events).when({ ...command, data: { ...command.data, payment } } as AccountCommand);
      }
      return spec.given(events).when(command);
    },
  };
}

describe('Account decider', () => {
  describe('deposit', () => {
    it('opens the account with the first deposit', () => given([]).when(deposit(500)).then([opened, deposited(500, 500)]));
    it('adds to the balance of an open account', () =>
      given([opened, deposited(500, 500)]).when(deposit(250)).then([deposited(250, 750)]));
    it('refuses a zero or negative amount', () => {
      given([]).when(deposit(0)).thenThrows(InvalidMoneyError);
      given([]).when(deposit(-5)).thenThrows(InvalidMoneyError);
    });
    it('refuses a fractional amount', () => given([]).when(deposit(1.5)).thenThrows(InvalidMoneyError));
    it('refuses another currency than the deployment', () => given([]).when(deposit(100, 'EUR')).thenThrows(CurrencyMismatchError));
    it('refuses a deposit that would take the balance past MAX_BALANCE, and books exactly up to it', () => {
      given([]).when(deposit(Number.MAX_SAFE_INTEGER)).thenThrows(BalanceLimitExceededError);
      given([opened, deposited(MAX_BALANCE - 1, MAX_BALANCE - 1)]).when(deposit(1)).then([deposited(1, MAX_BALANCE)]);
      given([opened, deposited(MAX_BALANCE, MAX_BALANCE)])
        .when(deposit(1))
        .thenThrows(BalanceLimitExceededError, (e) =>
          expect((e as BalanceLimitExceededError).details).toMatchObject({ balance: MAX_BALANCE, amount: 1, maxBalance: MAX_BALANCE }),
        );
    });
    it('keeps MAX_BALANCE far enough below 2^53 that a balance plus any accepted amount is exact', () =>
      expect(Number.isSafeInteger(2 * MAX_BALANCE)).toBe(true));
    it('refuses a deposit into a closed account', () =>
      given([opened, deposited(500, 500), closed]).when(deposit(1)).thenThrows(AccountClosedError));
  });

  describe('withdrawal', () => {
    const withdraw = (amount: number, currency = 'USD'): AccountCommand => ({
      type: 'Withdraw',
      data: { customerId: C, transactionId: 't-wd', amount: { amount, currency }, currency: 'USD', now },
    });
    const withdrawn = (amount: number, balance: number): AccountEvent => ({
      type: 'FundsWithdrawn',
      data: { customerId: C, transactionId: 't-wd', amount: usd(amount), balance, at: now },
    });
    it('pays out down to exactly zero', () => given([opened, deposited(500, 500)]).when(withdraw(500)).then([withdrawn(500, 0)]));
    it('refuses to go below zero, naming what is available and what was requested', () =>
      given([opened, deposited(500, 500), captured('o1', 200, 300)])
        .when(withdraw(301))
        .thenThrows(InsufficientFundsError, (e) => expect((e as InsufficientFundsError).details).toEqual({ customerId: C, available: 300, requested: 301 })));
    it('needs a wallet, and an open one', () => {
      given([]).when(withdraw(1)).thenThrows(AccountNotFoundError);
      given([opened, deposited(500, 500), closed]).when(withdraw(1)).thenThrows(AccountClosedError);
    });
    it('refuses a zero, fractional or foreign amount', () => {
      given([opened, deposited(500, 500)]).when(withdraw(0)).thenThrows(InvalidMoneyError);
      given([opened, deposited(500, 500)]).when(withdraw(1.5)).thenThrows(InvalidMoneyError);
      given([opened, deposited(500, 500)]).when(withdraw(1, 'EUR')).thenThrows(CurrencyMismatchError);
    });
    it('moves the balance, and a later capture sees it', () =>
      given([opened, deposited(500, 500), withdrawn(450, 50)]).when(capture('o1', 51)).thenThrows(InsufficientFundsError));
  });

  describe('capture (withdraw for an order)', () => {
    it('withdraws down to exactly zero', () =>
      given([opened, deposited(500, 500)]).when(capture('o1', 500)).then([captured('o1', 500, 0)]));
    it('refuses to overdraw', () =>
      given([opened, deposited(500, 500)])
        .when(capture('o1', 501))
        .thenThrows(InsufficientFundsError, (e) => expect((e as InsufficientFundsError).details).toMatchObject({ available: 500, requested: 501 })));
    it('declines without a wallet', () => given([]).when(capture('o1', 1)).thenThrows(AccountNotFoundError));
    it('declines on a closed account', () =>
      given([opened, deposited(500, 500), closed]).when(capture('o1', 1)).thenThrows(AccountClosedError));
    it('refuses a zero amount', () => given([opened, deposited(500, 500)]).when(capture('o1', 0)).thenThrows(InvalidMoneyError));
    it('captures once per order: a second capture decides nothing, even when the balance is now too low', () =>
      given([opened, deposited(500, 500), captured('o1', 400, 100)]).when(capture('o1', 400, 't-other')).then([]));
    it('captures different orders independently', () =>
      given([opened, deposited(500, 500), captured('o1', 400, 100)]).when(capture('o2', 100, 't2')).then([captured('o2', 100, 0, 't2')]));
  });

  describe('refund', () => {
    it('credits a captured payment back once, with the captured amount', () =>
      given([opened, deposited(500, 500), captured('o1', 400, 100)])
        .when(refund('o1'))
        .then([
          {
            type: 'PaymentRefunded',
            data: { customerId: C, orderId: 'o1', transactionId: 't-ref', amount: usd(400), balance: 500, reason: 'timeout', at: now },
          },
        ]));
    it('refunds only once', () =>
      given([opened, deposited(500, 500), captured('o1', 400, 100), refunded('o1', 400, 500)]).when(refund('o1', 't-ref-2')).then([]));
    it('refunds an early order among many later ones with its own amount', () =>
      given([opened, deposited(500, 500), captured('o1', 100, 400), captured('o2', 50, 350), captured('o3', 25, 325)])
        .when(refund('o1'))
        .then([refunded('o1', 100, 425)]));
    it('refuses a refund that would take the balance past MAX_BALANCE (dead-lettered for an operator, never booked)', () =>
      given([opened, deposited(500, 500), captured('o1', 400, 100), deposited(MAX_BALANCE - 100, MAX_BALANCE)])
        .when(refund('o1'))
        .thenThrows(BalanceLimitExceededError));
    it('credits a refund even to a closed wallet', () =>
      given([opened, deposited(500, 500), captured('o1', 400, 100), closed]).when(refund('o1')).then([refunded('o1', 400, 500)]));
    it('leaves a tombstone when the refund comes before the capture, and the capture is then declined', () => {
      given([opened, deposited(500, 500)]).when(refund('o1')).then([voided('o1')]);
      given([opened, deposited(500, 500), voided('o1')]).when(capture('o1', 100)).thenThrows(PaymentCancelledError);
      given([opened, deposited(500, 500), voided('o1')]).when(refund('o1', 't-ref-2')).then([]);
    });
    it('leaves a tombstone even before the wallet exists; the wallet still opens with the first deposit', () => {
      given([]).when(refund('o1')).then([voided('o1')]);
      given([voided('o1')]).when(deposit(500)).then([opened, deposited(500, 500)]);
      given([voided('o1'), opened, deposited(500, 500)]).when(capture('o1', 100)).thenThrows(PaymentCancelledError);
    });
  });

  describe("the order's payment record is an input of the command, not part of the state", () => {
    const history = [opened, deposited(500, 500)];
    const capturedRecord: PaymentRecord = { status: 'captured', amount: usd(400), captureTransactionId: 't-cap' };
    it('decides from the record it is given', () => {
      spec.given(history).when(capture('o1', 400, 't-other', capturedRecord)).then([]);
      spec.given(history).when(refund('o1', 't-ref', capturedRecord)).then([refunded('o1', 400, 900)]);
      spec.given(history).when(capture('o1', 100, 't-cap', { status: 'voided', voidTransactionId: 't-v' })).thenThrows(PaymentCancelledError);
      spec.given(history).when(refund('o1', 't-ref')).then([voided('o1')]);
    });
    it('keeps only status, owner, currency and balance in the state', () => {
      const state = [...history, captured('o1', 400, 100), voided('o2'), refunded('o1', 400, 500)].reduce(
        accountDecider.evolve,
        accountDecider.initialState(),
      );
      expect(state).toEqual({ status: 'open', customerId: C, currency: 'USD', balance: 500 });
    });
  });

  describe('payment record fold', () => {
    it('is undefined for an order without events', () =>
      expect(foldPaymentRecord('o1', [opened, deposited(500, 500), captured('o2', 100, 400)])).toBeUndefined());
    it('records a capture with its amount and transaction', () =>
      expect(foldPaymentRecord('o1', [opened, deposited(500, 500), captured('o1', 100, 400, 't1')])).toEqual({
        status: 'captured',
        amount: usd(100),
        captureTransactionId: 't1',
      }));
    it('records the refund of a capture, keeping the capture transaction', () =>
      expect(foldPaymentRecord('o1', [captured('o1', 100, 400, 't1'), captured('o2', 5, 395), refunded('o1', 100, 495, 't2')])).toEqual({
        status: 'refunded',
        amount: usd(100),
        captureTransactionId: 't1',
        refundTransactionId: 't2',
      }));
    it('records a tombstone for a refund before any capture', () =>
      expect(foldPaymentRecord('o1', [voided('o1', 't9')])).toEqual({ status: 'voided', voidTransactionId: 't9' }));
    it('gives the same record from only the order\'s events as from the whole stream', () => {
      const stream = [opened, deposited(500, 500), captured('o1', 100, 400, 't1'), captured('o2', 5, 395), voided('o3'), refunded('o1', 100, 495, 't2')];
      const onlyO1 = stream.filter((e) => 'orderId' in e.data && e.data.orderId === 'o1');
      expect(foldPaymentRecord('o1', onlyO1)).toEqual(foldPaymentRecord('o1', stream));
    });
    it('continues from a given record, as the use cases do with the events just decided', () =>
      expect(foldPaymentRecord('o1', [refunded('o1', 100, 495, 't2')], { status: 'captured', amount: usd(100), captureTransactionId: 't1' })).toEqual({
        status: 'refunded',
        amount: usd(100),
        captureTransactionId: 't1',
        refundTransactionId: 't2',
      }));
    it('leaves the record alone for events without an order', () => {
      const record: PaymentRecord = { status: 'voided', voidTransactionId: 't9' };
      expect(evolvePaymentRecord(record, deposited(5, 5))).toBe(record);
      expect(evolvePaymentRecord(undefined, closed)).toBeUndefined();
    });
  });

  describe('close', () => {
    const close: AccountCommand = { type: 'CloseAccount', data: { customerId: C, reason: 'fraud', now } };
    it('closes an open account once', () => {
      given([opened, deposited(500, 500)]).when(close).then([closed]);
      given([opened, deposited(500, 500), closed]).when(close).then([]);
    });
    it('cannot close a wallet that does not exist', () => given([]).when(close).thenThrows(AccountNotFoundError));
  });
});
