import { AuthModule, type AuthOptions } from '@archipelago/platform-auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PaymentCommandsMessageHandler } from './handler/messaging/payment-commands.message-handler.js';
import { WalletHttpHandler } from './handler/http/wallet.http-handler.js';
import { PaymentsInfrastructure } from './repository/payments.infrastructure.js';
import { CapturePaymentUseCase } from './use-case/capture-payment/capture-payment.use-case.js';
import { CloseAccountUseCase } from './use-case/close-account/close-account.use-case.js';
import { DepositUseCase } from './use-case/deposit/deposit.use-case.js';
import { GetWalletUseCase } from './use-case/get-wallet/get-wallet.use-case.js';
import { ListTransactionsUseCase } from './use-case/list-transactions/list-transactions.use-case.js';
import { ACCOUNT_REPOSITORY } from './use-case/port/account.repository.port.js';
import { PAYMENTS_SETTINGS, type PaymentsSettings } from './use-case/port/payments-settings.port.js';
import { TRANSACTION_READ_MODEL } from './use-case/port/transaction.read-model.port.js';
import { RefundPaymentUseCase } from './use-case/refund-payment/refund-payment.use-case.js';
import { WithdrawUseCase } from './use-case/withdraw/withdraw.use-case.js';

/** Domain error code → HTTP status of the payments' public API. */
export const PAYMENTS_DOMAIN_ERRORS = {
  'ACCOUNT.NOT_FOUND': 404,
  'ACCOUNT.CLOSED': 409,
  'ACCOUNT.INSUFFICIENT_FUNDS': 422,
  'ACCOUNT.CONCURRENCY_CONFLICT': 409,
  'ACCOUNT.BALANCE_LIMIT_EXCEEDED': 422,
  'IDEMPOTENCY.KEY_REUSED': 422,
  'MONEY.CURRENCY_MISMATCH': 422,
  'MONEY.INVALID': 400,
  'PAGINATION.INVALID_CURSOR': 400,
} as const;

/**
 * Wiring of the payments service: ports bound to adapters, handlers to use cases, and access-token
 * validation (every route needs a token; role `customer` or `admin`). The saga consumer
 * (`PaymentCommandsMessageHandler`) is a provider; main.ts subscribes it
 * (`PaymentsInfrastructure.subscribePaymentCommands`).
 */
@Module({})
export class PaymentsModule {
  static forRoot(infrastructure: PaymentsInfrastructure, settings: PaymentsSettings, auth: AuthOptions): DynamicModule {
    return {
      module: PaymentsModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(auth)],
      controllers: [WalletHttpHandler],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: PaymentsInfrastructure, useValue: infrastructure },
        { provide: ACCOUNT_REPOSITORY, useValue: infrastructure.repository },
        { provide: TRANSACTION_READ_MODEL, useValue: infrastructure.readModel },
        { provide: PAYMENTS_SETTINGS, useValue: settings },
        PaymentCommandsMessageHandler,
        DepositUseCase,
        WithdrawUseCase,
        GetWalletUseCase,
        ListTransactionsUseCase,
        CloseAccountUseCase,
        CapturePaymentUseCase,
        RefundPaymentUseCase,
      ],
    };
  }
}
