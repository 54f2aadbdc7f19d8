import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accountDecider, foldPaymentRecord } from '../../entity/account/account.decider.js';
import {
  AccountClosedError,
  AccountNotFoundError,
  InsufficientFundsError,
  PaymentCancelledError,
} from '../../entity/account/account.errors.js';
import type { AccountEvent } from '../../entity/account/account.events.js';
import {
  ACCOUNT_REPOSITORY,
  type AccountRepositoryPort,
  type DeclineReason,
  type PaymentOutcome,
  type UnitOfWorkResult,
} from '../port/account.repository.port.js';
import { PAYMENTS_SETTINGS, type PaymentsSettings } from '../port/payments-settings.port.js';
import { TRANSACTION_READ_MODEL, type TransactionReadModelPort } from '../port/transaction.read-model.port.js';
import { withConflictRetry } from '../with-conflict-retry.js';
import { CapturePaymentCommand } from './capture-payment.command.js';

/** The decline reason a domain error stands for; `undefined` for errors that are not a decline. */
function declineReasonOf(error: unknown): DeclineReason | undefined {
  if (error instanceof AccountNotFoundError) return 'no_wallet';
  if (error instanceof InsufficientFundsError) return 'insufficient_funds';
  if (error instanceof AccountClosedError) return 'account_closed';
  if (error instanceof PaymentCancelledError) return 'cancelled';
  return undefined;
}

/**
 * Captures an order's payment: debits the wallet once per order and answers captured or
 * declined, in one transaction with the inbox row and the outbox reply. A repeated capture of the
 * same order answers the first capture again. The order's record comes from the repository with the
 * wallet (same stream version); concurrent captures on one wallet, of the same order or not,
 * serialise through the stream's expected version (ConcurrencyConflictError → withConflictRetry
 * decides again on a fresh read), so the balance never goes below zero and an order is charged once.
 * @throws InvalidMoneyError, CurrencyMismatchError for a malformed command (dead-lettered)
 */
@CommandHandler(CapturePaymentCommand)
export class CapturePaymentUseCase implements ICommandHandler<CapturePaymentCommand, UnitOfWorkResult<PaymentOutcome>> {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly repository: AccountRepositoryPort,
    @Inject(TRANSACTION_READ_MODEL) private readonly readModel: TransactionReadModelPort,
    @Inject(PAYMENTS_SETTINGS) private readonly settings: PaymentsSettings,
  ) {}

  async execute({ orderId, customerId, amount, inbox, context }: CapturePaymentCommand): Promise<UnitOfWorkResult<PaymentOutcome>> {
    const result = await withConflictRetry(() =>
      this.repository.transaction(async (tx) => {
        const { state, version, payment: previous } = await this.repository.loadForOrder(customerId, orderId, tx);
        const transactionId = globalThis.crypto.randomUUID();
        let events: AccountEvent[] = [];
        let outcome: PaymentOutcome;
        try {
          events = accountDecider.decide(
            {
              type: 'CapturePayment',
              data: {
                customerId,
                orderId,
                transactionId,
                amount,
                currency: this.settings.currency,
                now: new Date().toISOString(),
                payment: previous,
              },
            },
            state,
          );
          const payment = foldPaymentRecord(orderId, events, previous);
          if (!payment || payment.status === 'voided') throw new Error(`unreachable: order ${orderId} not captured`);
          outcome = { kind: 'captured', orderId, customerId, amount: payment.amount, transactionId: payment.captureTransactionId };
        } catch (error) {
          const reason = declineReasonOf(error);
          if (!reason) throw error;
          outcome = { kind: 'declined', orderId, customerId, reason };
        }
        await this.repository.save(tx, customerId, events, version, context, [outcome]);
        return outcome;
      }, inbox),
    );
    this.readModel.refresh();
    return result;
  }
}
