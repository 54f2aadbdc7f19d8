import { PostgresEventStore, ProjectionRunner } from '@archipelago/platform-event-store';
import { Messaging, type TransportKind } from '@archipelago/platform-messaging';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { OrderEventStoreRepository, OrderSagaInbox } from './order.event-store.repository.js';
import { PostgresOrderDeadlines } from './order-deadlines.repository.js';
import { OrderListProjection, OrderListReadModel } from './order-list.projection.js';
import { createOrderingDataSource, poolOf } from './ordering.data-source.js';

/** Consumer group of the saga's reply consumer (convention `<system>.<service>`). */
export const ORDERING_CONSUMER_GROUP = 'commerce.ordering';

export interface OrderingInfrastructureConfig {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly transport: TransportKind;
  readonly kafkaBrokers?: readonly string[];
  readonly onError?: (error: unknown) => void;
  /** Called with commit-to-publish latencies (ms) of each relayed batch (metrics). */
  readonly onPublished?: (latenciesMs: number[]) => void;
}

/**
 * Everything ordering's adapters stand on, opened once per process: the TypeORM data source
 * (and its pg pool), the event store, messaging (outbox + relay for Kafka, the reply consumer's
 * transport), the order list projection, the saga inbox and the deadlines table.
 * `start()` starts the relay and the projection; `close()` stops everything.
 */
export class OrderingInfrastructure {
  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  readonly messaging: Messaging;
  readonly projectionRunner: ProjectionRunner;
  readonly repository: OrderEventStoreRepository;
  readonly readModel: OrderListReadModel;
  readonly inbox: OrderSagaInbox;
  readonly deadlines: PostgresOrderDeadlines;

  /** Opens the database (TypeORM creates its pool on initialize) and builds the adapters; starts nothing. */
  static async open(config: OrderingInfrastructureConfig): Promise<OrderingInfrastructure> {
    const dataSource = createOrderingDataSource(config.databaseUrl, config.schema);
    await dataSource.initialize();
    return new OrderingInfrastructure(config, dataSource);
  }

  private constructor(
    readonly config: OrderingInfrastructureConfig,
    readonly dataSource: DataSource,
  ) {
    this.pool = poolOf(dataSource);
    this.store = new PostgresEventStore(config.schema);
    this.messaging = new Messaging({
      transport: config.transport,
      kafkaBrokers: config.kafkaBrokers,
      system: 'commerce',
      service: 'ordering',
      schema: config.schema,
      pool: this.pool,
      databaseUrl: config.databaseUrl,
      onError: config.onError,
      relay: { onPublished: (latencies) => config.onPublished?.(latencies) },
    });
    this.projectionRunner = new ProjectionRunner(this.pool, this.store, new OrderListProjection(config.schema), {
      onError: config.onError,
    });
    this.repository = new OrderEventStoreRepository(this.pool, this.store, this.messaging);
    this.readModel = new OrderListReadModel(dataSource, this.projectionRunner);
    this.inbox = new OrderSagaInbox(this.pool, config.schema, ORDERING_CONSUMER_GROUP, this.repository);
    this.deadlines = new PostgresOrderDeadlines(this.pool, config.schema);
  }

  /** Starts the outbox relay (kafka) and the projection. Consumers are started by the handlers. */
  async start(): Promise<void> {
    await this.messaging.start();
    this.projectionRunner.start();
  }

  async close(): Promise<void> {
    await this.projectionRunner.stop();
    await this.messaging.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
