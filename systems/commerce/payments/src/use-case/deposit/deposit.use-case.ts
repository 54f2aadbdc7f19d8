import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accountDecider } from '../../entity/account/account.decider.js';
import { IdempotencyKeyReusedError } from '../../entity/account/account.errors.js';
import { ACCOUNT_REPOSITORY, type AccountRepositoryPort, type DepositReceipt } from '../port/account.repository.port.js';
import { PAYMENTS_SETTINGS, type PaymentsSettings } from '../port/payments-settings.port.js';
import { TRANSACTION_READ_MODEL, type TransactionReadModelPort } from '../port/transaction.read-model.port.js';
import { withConflictRetry } from '../with-conflict-retry.js';
import { DepositCommand } from './deposit.command.js';

/** A deposit's answer; `replayed` when it is the stored answer of a repeated Idempotency-Key. */
export type DepositResult = DepositReceipt & { readonly replayed: boolean };

/**
 * Deposits into a wallet. With an Idempotency-Key, the key, the ledger events and the answer
 * commit in one transaction: the same key with the same amount answers the stored receipt again
 * (nothing new is booked); with another amount it is refused.
 * @throws IdempotencyKeyReusedError (422), AccountClosedError (409), InvalidMoneyError (400),
 *   CurrencyMismatchError (422)
 */
@CommandHandler(DepositCommand)
export class DepositUseCase implements ICommandHandler<DepositCommand, DepositResult> {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly repository: AccountRepositoryPort,
    @Inject(TRANSACTION_READ_MODEL) private readonly readModel: TransactionReadModelPort,
    @Inject(PAYMENTS_SETTINGS) private readonly settings: PaymentsSettings,
  ) {}

  async execute({ customerId, amount, idempotencyKey, context }: DepositCommand): Promise<DepositResult> {
    const fingerprint = JSON.stringify({ amount: amount.amount, currency: amount.currency });
    const outcome = await withConflictRetry(() =>
      this.repository.transaction(async (tx): Promise<DepositResult> => {
        if (idempotencyKey !== undefined) {
          const prior = await this.repository.claimIdempotencyKey(tx, customerId, idempotencyKey, fingerprint);
          if (prior) {
            if (prior.fingerprint !== fingerprint || !prior.receipt) throw new IdempotencyKeyReusedError(idempotencyKey);
            return { ...prior.receipt, replayed: true };
          }
        }
        const { state, version } = await this.repository.load(customerId, tx);
        const transactionId = globalThis.crypto.randomUUID();
        const events = accountDecider.decide(
          { type: 'Deposit', data: { customerId, transactionId, amount, currency: this.settings.currency, now: new Date().toISOString() } },
          state,
        );
        await this.repository.save(tx, customerId, events, version, context, []);
        const after = events.reduce(accountDecider.evolve, state);
        const receipt: DepositReceipt = { transactionId, balance: { amount: after.balance, currency: this.settings.currency } };
        if (idempotencyKey !== undefined) await this.repository.completeIdempotencyKey(tx, customerId, idempotencyKey, receipt);
        return { ...receipt, replayed: false };
      }),
    );
    if (outcome.duplicate) throw new Error('unreachable: a deposit has no inbox entry');
    if (!outcome.result.replayed) this.readModel.refresh();
    return outcome.result;
  }
}
