import { deciderSpec } from '@archipelago/testing-decider';
import { describe, expect, it } from 'vitest';
import { CurrencyMismatchError, InvalidMoneyError } from '../money.js';
import { accountDecider, type AccountCommand } from './account.decider.js';
import {
  AccountClosedError,
  AccountNotFoundError,
  InsufficientFundsError,
  PaymentCancelledError,
} from './account.errors.js';
import type { AccountEvent } from './account.events.js';

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
const capture = (orderId: string, amount: number, transactionId = 't-cap'): AccountCommand => ({
  type: 'CapturePayment',
  data: { customerId: C, orderId, transactionId, amount: usd(amount), currency: 'USD', now },
});
const refund = (orderId: string, transactionId = 't-ref'): AccountCommand => ({
  type: 'RefundPayment',
  data: { customerId: C, orderId, transactionId, reason: 'timeout', now },
});

describe('Account decider', () => {
  describe('deposit', () => {
    it('opens the account with the first deposit', () => spec.given([]).when(deposit(500)).then([opened, deposited(500, 500)]));
    it('adds to the balance of an open account', () =>
      spec.given([opened, deposited(500, 500)]).when(deposit(250)).then([deposited(250, 750)]));
    it('refuses a zero or negative amount', () => {
      spec.given([]).when(deposit(0)).thenThrows(InvalidMoneyError);
      spec.given([]).when(deposit(-5)).thenThrows(InvalidMoneyError);
    });
    it('refuses a fractional amount', () => spec.given([]).when(deposit(1.5)).thenThrows(InvalidMoneyError));
    it('refuses another currency than the deployment', () => spec.given([]).when(deposit(100, 'EUR')).thenThrows(CurrencyMismatchError));
    it('refuses a deposit into a closed account', () =>
      spec.given([opened, deposited(500, 500), closed]).when(deposit(1)).thenThrows(AccountClosedError));
  });

  describe('capture (withdraw for an order)', () => {
    it('withdraws down to exactly zero', () =>
      spec.given([opened, deposited(500, 500)]).when(capture('o1', 500)).then([captured('o1', 500, 0)]));
    it('refuses to overdraw', () =>
      spec
        .given([opened, deposited(500, 500)])
        .when(capture('o1', 501))
        .thenThrows(InsufficientFundsError, (e) => expect((e as InsufficientFundsError).details).toMatchObject({ balance: 500 })));
    it('declines without a wallet', () => spec.given([]).when(capture('o1', 1)).thenThrows(AccountNotFoundError));
    it('declines on a closed account', () =>
      spec.given([opened, deposited(500, 500), closed]).when(capture('o1', 1)).thenThrows(AccountClosedError));
    it('refuses a zero amount', () => spec.given([opened, deposited(500, 500)]).when(capture('o1', 0)).thenThrows(InvalidMoneyError));
    it('captures once per order: a second capture decides nothing, even when the balance is now too low', () =>
      spec.given([opened, deposited(500, 500), captured('o1', 400, 100)]).when(capture('o1', 400, 't-other')).then([]));
    it('captures different orders independently', () =>
      spec.given([opened, deposited(500, 500), captured('o1', 400, 100)]).when(capture('o2', 100, 't2')).then([captured('o2', 100, 0, 't2')]));
  });

  describe('refund', () => {
    it('credits a captured payment back once, with the captured amount', () =>
      spec
        .given([opened, deposited(500, 500), captured('o1', 400, 100)])
        .when(refund('o1'))
        .then([
          {
            type: 'PaymentRefunded',
            data: { customerId: C, orderId: 'o1', transactionId: 't-ref', amount: usd(400), balance: 500, reason: 'timeout', at: now },
          },
        ]));
    it('refunds only once', () => {
      const refunded: AccountEvent = {
        type: 'PaymentRefunded',
        data: { customerId: C, orderId: 'o1', transactionId: 't-ref', amount: usd(400), balance: 500, reason: 'timeout', at: now },
      };
      spec.given([opened, deposited(500, 500), captured('o1', 400, 100), refunded]).when(refund('o1', 't-ref-2')).then([]);
    });
    it('leaves a tombstone when the refund comes before the capture, and the capture is then declined', () => {
      const voided: AccountEvent = {
        type: 'PaymentVoided',
        data: { customerId: C, orderId: 'o1', transactionId: 't-ref', reason: 'timeout', at: now },
      };
      spec.given([opened, deposited(500, 500)]).when(refund('o1')).then([voided]);
      spec.given([opened, deposited(500, 500), voided]).when(capture('o1', 100)).thenThrows(PaymentCancelledError);
      spec.given([opened, deposited(500, 500), voided]).when(refund('o1', 't-ref-2')).then([]);
    });
    it('leaves a tombstone even before the wallet exists; the wallet still opens with the first deposit', () => {
      const voided: AccountEvent = {
        type: 'PaymentVoided',
        data: { customerId: C, orderId: 'o1', transactionId: 't-ref', reason: 'timeout', at: now },
      };
      spec.given([]).when(refund('o1')).then([voided]);
      spec.given([voided]).when(deposit(500)).then([opened, deposited(500, 500)]);
      spec.given([voided, opened, deposited(500, 500)]).when(capture('o1', 100)).thenThrows(PaymentCancelledError);
    });
  });

  describe('close', () => {
    const close: AccountCommand = { type: 'CloseAccount', data: { customerId: C, reason: 'fraud', now } };
    it('closes an open account once', () => {
      spec.given([opened, deposited(500, 500)]).when(close).then([closed]);
      spec.given([opened, deposited(500, 500), closed]).when(close).then([]);
    });
    it('cannot close a wallet that does not exist', () => spec.given([]).when(close).thenThrows(AccountNotFoundError));
  });
});
