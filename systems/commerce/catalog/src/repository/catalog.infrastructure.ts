import { PostgresEventStore, ProjectionRunner } from '@archipelago/platform-event-store';
import { CATALOG_STOCK_RESERVATIONS_TOPIC, ORDERING_STOCK_COMMANDS_TOPIC } from '@archipelago/commerce-contracts';
import { Messaging, type MessageHandler, type Subscription, type TransportKind } from '@archipelago/platform-messaging';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { createCatalogDataSource, poolOf } from './catalog.data-source.js';
import { ProductEventStoreRepository } from './product.event-store.repository.js';
import { ProductListProjection, ProductListReadModel } from './product-list.projection.js';
import { CATALOG_CONSUMER_GROUP, ReservationEventStoreRepository } from './reservation.event-store.repository.js';

export interface CatalogInfrastructureConfig {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly transport: TransportKind;
  readonly kafkaBrokers?: readonly string[];
  readonly onError?: (error: unknown) => void;
  /** Called with commit-to-publish latencies (ms) of each relayed batch (metrics). */
  readonly onPublished?: (latenciesMs: number[]) => void;
}

/**
 * Everything the catalog's adapters stand on, opened once per process: the TypeORM data source
 * (and its pg pool), the event store, messaging (outbox + relay for Kafka) and the product list
 * projection runner, and the reservations of orders. `start()` connects and starts the background loops; `close()` stops them.
 */
export class CatalogInfrastructure {
  readonly dataSource: DataSource;
  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  readonly messaging: Messaging;
  readonly projectionRunner: ProjectionRunner;
  readonly repository: ProductEventStoreRepository;
  readonly reservations: ReservationEventStoreRepository;
  readonly readModel: ProductListReadModel;

  /** Opens the database (TypeORM creates its pool on initialize) and builds the adapters; starts nothing. */
  static async open(config: CatalogInfrastructureConfig): Promise<CatalogInfrastructure> {
    const dataSource = createCatalogDataSource(config.databaseUrl, config.schema);
    await dataSource.initialize();
    return new CatalogInfrastructure(config, dataSource);
  }

  private constructor(
    readonly config: CatalogInfrastructureConfig,
    dataSource: DataSource,
  ) {
    this.dataSource = dataSource;
    this.pool = poolOf(dataSource);
    this.store = new PostgresEventStore(config.schema);
    this.messaging = new Messaging({
      transport: config.transport,
      kafkaBrokers: config.kafkaBrokers,
      system: 'commerce',
      service: 'catalog',
      schema: config.schema,
      pool: this.pool,
      databaseUrl: config.databaseUrl,
      onError: config.onError,
      relay: { onPublished: (latencies) => config.onPublished?.(latencies) },
    });
    this.projectionRunner = new ProjectionRunner(this.pool, this.store, new ProductListProjection(config.schema), {
      onError: config.onError,
    });
    this.repository = new ProductEventStoreRepository(this.pool, this.store, this.messaging);
    this.reservations = new ReservationEventStoreRepository(this.pool, this.store, this.messaging);
    this.readModel = new ProductListReadModel(this.dataSource, this.projectionRunner);
  }

  /** Starts the outbox relay (kafka) and the projection. */
  async start(): Promise<void> {
    await this.messaging.start();
    this.projectionRunner.start();
  }

  /**
   * Subscribes consumer group `commerce.catalog` to ordering's stock commands
   * (`commerce.ordering.stock-commands.v1`), handing each message to `handler` (which must be
   * idempotent: the reservation use cases record the message in the inbox). With kafka, also
   * creates the reply topic `commerce.catalog.stock-reservations.v1`. `group` is for tests that
   * share one broker between several catalogs.
   */
  async subscribeStockCommands(handler: MessageHandler, group = CATALOG_CONSUMER_GROUP): Promise<Subscription> {
    await this.messaging.ensureTopics([ORDERING_STOCK_COMMANDS_TOPIC, CATALOG_STOCK_RESERVATIONS_TOPIC]);
    return this.messaging.subscribe(group, [ORDERING_STOCK_COMMANDS_TOPIC], handler);
  }

  async close(): Promise<void> {
    await this.projectionRunner.stop();
    await this.messaging.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
