import { PostgresEventStore, ProjectionRunner } from '@archipelago/platform-event-store';
import { ORDERING_PAYMENT_COMMANDS_TOPIC, PAYMENTS_TOPIC } from '@archipelago/commerce-contracts';
import { Messaging, type MessageHandler, type Subscription, type TransportKind } from '@archipelago/platform-messaging';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { createPaymentsDataSource, poolOf } from './payments.data-source.js';
import { AccountEventStoreRepository } from './account.event-store.repository.js';
import { WalletTransactionsProjection, WalletTransactionsReadModel } from './wallet-transactions.projection.js';

/** Consumer group of payments (contract: `commerce.payments`). */
export const PAYMENTS_CONSUMER_GROUP = 'commerce.payments';

export interface PaymentsInfrastructureConfig {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly transport: TransportKind;
  readonly kafkaBrokers?: readonly string[];
  readonly onError?: (error: unknown) => void;
  /** Called with commit-to-publish latencies (ms) of each relayed batch (metrics). */
  readonly onPublished?: (latenciesMs: number[]) => void;
}

/**
 * Everything the payments' adapters stand on, opened once per process: the TypeORM data source
 * (and its pg pool), the event store, messaging (outbox + relay for Kafka), the account repository
 * and the wallet transactions projection runner. `start()` connects and starts the background
 * loops; `close()` stops them.
 */
export class PaymentsInfrastructure {
  readonly dataSource: DataSource;
  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  readonly messaging: Messaging;
  readonly projectionRunner: ProjectionRunner;
  readonly repository: AccountEventStoreRepository;
  readonly readModel: WalletTransactionsReadModel;

  /** Opens the database (TypeORM creates its pool on initialize) and builds the adapters; starts nothing. */
  static async open(config: PaymentsInfrastructureConfig): Promise<PaymentsInfrastructure> {
    const dataSource = createPaymentsDataSource(config.databaseUrl, config.schema);
    await dataSource.initialize();
    return new PaymentsInfrastructure(config, dataSource);
  }

  private constructor(
    readonly config: PaymentsInfrastructureConfig,
    dataSource: DataSource,
  ) {
    this.dataSource = dataSource;
    this.pool = poolOf(dataSource);
    this.store = new PostgresEventStore(config.schema);
    this.messaging = new Messaging({
      transport: config.transport,
      kafkaBrokers: config.kafkaBrokers,
      system: 'commerce',
      service: 'payments',
      schema: config.schema,
      pool: this.pool,
      databaseUrl: config.databaseUrl,
      onError: config.onError,
      relay: { onPublished: (latencies) => config.onPublished?.(latencies) },
    });
    this.projectionRunner = new ProjectionRunner(this.pool, this.store, new WalletTransactionsProjection(config.schema), {
      onError: config.onError,
    });
    this.repository = new AccountEventStoreRepository(this.pool, this.store, this.messaging);
    this.readModel = new WalletTransactionsReadModel(this.dataSource, this.projectionRunner);
  }

  /** Starts the outbox relay (kafka) and the projection. */
  async start(): Promise<void> {
    await this.messaging.start();
    this.projectionRunner.start();
  }

  /**
   * Subscribes consumer group `commerce.payments` to ordering's payment commands
   * (`commerce.ordering.payment-commands.v1`), handing each message to `handler` (idempotent: the
   * use cases record the message in the inbox). With kafka, also creates the reply topic
   * `commerce.payments.payments.v1`. `group` is overridable for tests sharing one broker.
   */
  async subscribePaymentCommands(handler: MessageHandler, group: string = PAYMENTS_CONSUMER_GROUP): Promise<Subscription> {
    await this.messaging.ensureTopics([ORDERING_PAYMENT_COMMANDS_TOPIC, PAYMENTS_TOPIC]);
    return this.messaging.subscribe(group, [ORDERING_PAYMENT_COMMANDS_TOPIC], handler);
  }

  async close(): Promise<void> {
    await this.projectionRunner.stop();
    await this.messaging.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
