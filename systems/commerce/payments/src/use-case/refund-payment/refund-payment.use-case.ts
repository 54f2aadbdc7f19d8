import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accountDecider, foldPaymentRecord } from '../../entity/account/account.decider.js';
import {
  ACCOUNT_REPOSITORY,
  type AccountRepositoryPort,
  type PaymentOutcome,
  type UnitOfWorkResult,
} from '../port/account.repository.port.js';
import { PAYMENTS_SETTINGS, type PaymentsSettings } from '../port/payments-settings.port.js';
import { TRANSACTION_READ_MODEL, type TransactionReadModelPort } from '../port/transaction.read-model.port.js';
import { withConflictRetry } from '../with-conflict-retry.js';
import { RefundPaymentCommand } from './refund-payment.command.js';

/**
 * Refunds an order's payment once and always answers refunded: with the captured amount and
 * the refund's transaction id, or — when no capture happened yet — with amount 0 and the id of
 * the tombstone that makes a later capture of the order decline (`cancelled`). Concurrent writers
 * on the wallet make the append fail (ConcurrencyConflictError): withConflictRetry decides again
 * on a fresh read of the wallet and the order's record, so an order is refunded once.
 */
@CommandHandler(RefundPaymentCommand)
export class RefundPaymentUseCase implements ICommandHandler<RefundPaymentCommand, UnitOfWorkResult<PaymentOutcome>> {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly repository: AccountRepositoryPort,
    @Inject(TRANSACTION_READ_MODEL) private readonly readModel: TransactionReadModelPort,
    @Inject(PAYMENTS_SETTINGS) private readonly settings: PaymentsSettings,
  ) {}

  async execute({ orderId, customerId, reason, inbox, context }: RefundPaymentCommand): Promise<UnitOfWorkResult<PaymentOutcome>> {
    const result = await withConflictRetry(() =>
      this.repository.transaction(async (tx) => {
        const { state, version, payment: previous } = await this.repository.loadForOrder(customerId, orderId, tx);
        const transactionId = globalThis.crypto.randomUUID();
        const events = accountDecider.decide(
          { type: 'RefundPayment', data: { customerId, orderId, transactionId, reason, now: new Date().toISOString(), payment: previous } },
          state,
        );
        const payment = foldPaymentRecord(orderId, events, previous);
        let outcome: PaymentOutcome;
        if (payment?.status === 'refunded') {
          outcome = { kind: 'refunded', orderId, customerId, amount: payment.amount, transactionId: payment.refundTransactionId };
        } else if (payment?.status === 'voided') {
          const nothing = { amount: 0, currency: this.settings.currency };
          outcome = { kind: 'refunded', orderId, customerId, amount: nothing, transactionId: payment.voidTransactionId };
        } else {
          throw new Error(`unreachable: order ${orderId} neither refunded nor voided`);
        }
        await this.repository.save(tx, customerId, events, version, context, [outcome]);
        return outcome;
      }, inbox),
    );
    this.readModel.refresh();
    return result;
  }
}
