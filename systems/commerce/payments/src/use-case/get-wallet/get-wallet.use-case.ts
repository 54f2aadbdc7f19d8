import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AccountNotFoundError } from '../../entity/account/account.errors.js';
import type { Money } from '../../entity/money.js';
import { ACCOUNT_REPOSITORY, type AccountRepositoryPort } from '../port/account.repository.port.js';
import { PAYMENTS_SETTINGS, type PaymentsSettings } from '../port/payments-settings.port.js';
import { GetWalletQuery } from './get-wallet.query.js';

/** A wallet as its owner reads it. */
export interface WalletView {
  readonly customerId: string;
  readonly balance: Money;
  readonly status: 'open' | 'closed';
}

/** @throws AccountNotFoundError (404) before the first deposit */
@QueryHandler(GetWalletQuery)
export class GetWalletUseCase implements IQueryHandler<GetWalletQuery, WalletView> {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly repository: AccountRepositoryPort,
    @Inject(PAYMENTS_SETTINGS) private readonly settings: PaymentsSettings,
  ) {}

  async execute({ customerId }: GetWalletQuery): Promise<WalletView> {
    const { state } = await this.repository.load(customerId);
    if (state.status === 'absent') throw new AccountNotFoundError(customerId);
    return {
      customerId,
      balance: { amount: state.balance, currency: state.currency ?? this.settings.currency },
      status: state.status,
    };
  }
}
