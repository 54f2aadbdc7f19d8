import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accountDecider } from '../../entity/account/account.decider.js';
import { IdempotencyKeyReusedError } from '../../entity/account/account.errors.js';
import { ACCOUNT_REPOSITORY, type AccountRepositoryPort, type DepositReceipt, type WalletOutcome } from '../port/account.repository.port.js';
import { PAYMENTS_SETTINGS, type PaymentsSettings } from '../port/payments-settings.port.js';
import { TRANSACTION_READ_MODEL, type TransactionReadModelPort } from '../port/transaction.read-model.port.js';
import { withConflictRetry } from '../with-conflict-retry.js';
import { WithdrawCommand } from './withdraw.command.js';

/** A withdrawal's answer; `replayed` when it is the stored answer of a repeated Idempotency-Key. */
export type WithdrawalResult = DepositReceipt & { readonly replayed: boolean };

/**
 * Withdraws from a wallet. The decision is taken on the stream version it read and appended at
 * that version, so a concurrent capture or withdrawal makes one append fail and the loser decides
 * again on the new balance: together they never overdraw. With an Idempotency-Key, the key, the
 * ledger event, FundsWithdrawnV1 (outbox) and the answer commit in one transaction; the same key
 * with the same amount answers the stored receipt again, with another amount (or a key used for a
 * deposit) it is refused.
 * @throws InsufficientFundsError (422, details available/requested), AccountNotFoundError (404),
 *   AccountClosedError (409), IdempotencyKeyReusedError (422), InvalidMoneyError (400),
 *   CurrencyMismatchError (422)
 */
@CommandHandler(WithdrawCommand)
export class WithdrawUseCase implements ICommandHandler<WithdrawCommand, WithdrawalResult> {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly repository: AccountRepositoryPort,
    @Inject(TRANSACTION_READ_MODEL) private readonly readModel: TransactionReadModelPort,
    @Inject(PAYMENTS_SETTINGS) private readonly settings: PaymentsSettings,
  ) {}

  async execute({ customerId, amount, idempotencyKey, context }: WithdrawCommand): Promise<WithdrawalResult> {
    // `operation` keeps a key used for a deposit from answering a withdrawal of the same amount.
    const fingerprint = JSON.stringify({ operation: 'withdrawal', amount: amount.amount, currency: amount.currency });
    const outcome = await withConflictRetry(() =>
      this.repository.transaction(async (tx): Promise<WithdrawalResult> => {
        if (idempotencyKey !== undefined) {
          const prior = await this.repository.claimIdempotencyKey(tx, customerId, idempotencyKey, fingerprint);
          if (prior) {
            if (prior.fingerprint !== fingerprint || !prior.receipt) throw new IdempotencyKeyReusedError(idempotencyKey);
            return { ...prior.receipt, replayed: true };
          }
        }
        const { state, version } = await this.repository.load(customerId, tx);
        const transactionId = globalThis.crypto.randomUUID();
        const now = new Date().toISOString();
        const { currency } = this.settings;
        const events = accountDecider.decide({ type: 'Withdraw', data: { customerId, transactionId, amount, currency, now } }, state);
        const after = events.reduce(accountDecider.evolve, state);
        const receipt: DepositReceipt = { transactionId, balance: { amount: after.balance, currency } };
        const withdrawn: WalletOutcome = { kind: 'withdrawn', customerId, transactionId, amount, balance: receipt.balance, at: now };
        await this.repository.save(tx, customerId, events, version, context, [withdrawn]);
        if (idempotencyKey !== undefined) await this.repository.completeIdempotencyKey(tx, customerId, idempotencyKey, receipt);
        return { ...receipt, replayed: false };
      }),
    );
    if (outcome.duplicate) throw new Error('unreachable: a withdrawal has no inbox entry');
    if (!outcome.result.replayed) this.readModel.refresh();
    return outcome.result;
  }
}
