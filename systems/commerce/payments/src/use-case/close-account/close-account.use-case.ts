import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accountDecider } from '../../entity/account/account.decider.js';
import { ACCOUNT_REPOSITORY, type AccountRepositoryPort } from '../port/account.repository.port.js';
import { withConflictRetry } from '../with-conflict-retry.js';
import { CloseAccountCommand } from './close-account.command.js';

/**
 * Closes a wallet (idempotent). A closed wallet refuses deposits and captures; refunds of
 * payments it made are still credited (compensations never lose money).
 * @throws AccountNotFoundError (404)
 */
@CommandHandler(CloseAccountCommand)
export class CloseAccountUseCase implements ICommandHandler<CloseAccountCommand, void> {
  constructor(@Inject(ACCOUNT_REPOSITORY) private readonly repository: AccountRepositoryPort) {}

  async execute({ customerId, reason, context }: CloseAccountCommand): Promise<void> {
    await withConflictRetry(() =>
      this.repository.transaction(async (tx) => {
        const { state, version } = await this.repository.load(customerId, tx);
        const events = accountDecider.decide({ type: 'CloseAccount', data: { customerId, reason, now: new Date().toISOString() } }, state);
        await this.repository.save(tx, customerId, events, version, context, []);
      }),
    );
  }
}
