import { ORDERING_PAYMENT_COMMANDS_TOPIC, PAYMENTS_TOPIC, PAYMENTS_WALLET_TOPIC } from '@archipelago/commerce-contracts';
import type { MessageHandler, Subscription } from '@archipelago/platform-messaging';
import { ServiceInfrastructure } from '@archipelago/platform-service-kit';
import { AccountEventStoreRepository } from './account.event-store.repository.js';
import { PAYMENTS_DATABASE } from './payments.data-source.js';
import { WalletTransactionsProjection, WalletTransactionsReadModel } from './wallet-transactions.projection.js';

/** Consumer group of payments (contract: `commerce.payments`). */
export const PAYMENTS_CONSUMER_GROUP = 'commerce.payments';

/**
 * Everything the payments' adapters stand on (see {@link ServiceInfrastructure}): the wallet
 * transactions projection and the account repository. `start()` starts the relay and the
 * projection; `close()` stops them.
 */
export class PaymentsInfrastructure extends ServiceInfrastructure {
  static override readonly database = PAYMENTS_DATABASE;

  readonly projectionRunner = this.addProjection(new WalletTransactionsProjection(this.config.schema));
  readonly repository = new AccountEventStoreRepository(this.pool, this.store, this.messaging);
  readonly readModel = new WalletTransactionsReadModel(this.dataSource, this.projectionRunner);

  /**
   * Subscribes consumer group `commerce.payments` to ordering's payment commands
   * (`commerce.ordering.payment-commands.v1`), handing each message to `handler` (idempotent: the
   * use cases record the message in the inbox). With kafka, also creates the reply topic
   * `commerce.payments.payments.v1`. `group` is overridable for tests sharing one broker.
   */
  async subscribePaymentCommands(
    handler: MessageHandler,
    group: string = PAYMENTS_CONSUMER_GROUP,
  ): Promise<Subscription> {
    await this.messaging.ensureTopics([ORDERING_PAYMENT_COMMANDS_TOPIC, PAYMENTS_TOPIC, PAYMENTS_WALLET_TOPIC]);
    return this.messaging.subscribe(group, [ORDERING_PAYMENT_COMMANDS_TOPIC], handler);
  }
}
