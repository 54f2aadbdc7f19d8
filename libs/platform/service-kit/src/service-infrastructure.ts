import { type AppendObserver, PostgresEventStore, ProjectionRunner, type Projection } from '@archipelago/platform-event-store';
import {
  Messaging,
  type RetentionCounts,
  type RetentionPolicy,
  type TransportKind,
} from '@archipelago/platform-messaging';
import type { OnApplicationShutdown } from '@nestjs/common';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { createServiceDataSource, poolOf, type ServiceDatabase } from './service-database.js';

/** Where and how a service's infrastructure connects (from its configuration, or a test's). */
export interface ServiceInfrastructureConfig {
  /** `postgres://` URL of the system's database. */
  readonly databaseUrl: string;
  /** The service's schema in it. */
  readonly schema: string;
  readonly transport: TransportKind;
  /** `host:port` list; required for `kafka`. */
  readonly kafkaBrokers?: readonly string[];
  /** Called with every error of a background loop (outbox relay, projections); they keep running. */
  readonly onError?: (error: unknown) => void;
  /** Called with commit-to-publish latencies (ms) of each relayed batch (metrics). */
  readonly onPublished?: (latenciesMs: number[]) => void;
  /** Retention of the schema's outbox, inbox and dead letters (default `DEFAULT_RETENTION`). */
  readonly retention?: Partial<RetentionPolicy>;
  /** Called with the rows each retention pass deleted per table (metrics, logs). */
  readonly onRetentionPass?: (deleted: RetentionCounts) => void;
  /** Called with the duration (s) and outcome of every event-store append (metrics). */
  readonly onAppend?: AppendObserver;
}

/** A service's infrastructure class: a subclass of {@link ServiceInfrastructure} with its `database`. */
export interface ServiceInfrastructureClass<T extends ServiceInfrastructure> {
  new (database: ServiceDatabase, config: ServiceInfrastructureConfig, dataSource: DataSource): T;
  readonly database: ServiceDatabase;
}

/**
 * Connects to the database of `infrastructure` (TypeORM creates its pool) and builds an instance;
 * starts nothing. `XInfrastructure.open(config)` is the same.
 * @throws the driver's error when Postgres cannot be reached or refuses the credentials
 */
export async function openServiceInfrastructure<T extends ServiceInfrastructure>(
  infrastructure: ServiceInfrastructureClass<T>,
  config: ServiceInfrastructureConfig,
): Promise<T> {
  const dataSource = createServiceDataSource(infrastructure.database, config.databaseUrl, config.schema);
  await dataSource.initialize();
  try {
    return new infrastructure(infrastructure.database, config, dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

/**
 * Everything a service's adapters stand on, opened once per process: the TypeORM data source
 * (and its pg pool), the event store, messaging (outbox, retention of the messaging tables, plus the
 * relay to Kafka with the `kafka` transport) and the runners of the service's projections.
 *
 * A service subclasses it, sets `static database` and builds its repositories and read models
 * in field initialisers (`readonly projectionRunner = this.addProjection(new XProjection(…))`):
 * `XInfrastructure.open(config)` then connects and builds everything; `start()` starts the
 * background loops; `close()` stops them and closes the pool. Provided to Nest as a value, it is
 * closed when the application shuts down, after the providers that depend on the adapters.
 */
export abstract class ServiceInfrastructure implements OnApplicationShutdown {
  /** The service's database (records, migrations): set by every subclass. */
  static readonly database: ServiceDatabase;

  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  readonly messaging: Messaging;
  private readonly runners: ProjectionRunner[] = [];

  /**
   * Connects to the database of the class it is called on (TypeORM creates its pool) and builds
   * the infrastructure; starts nothing.
   * @throws the driver's error when Postgres cannot be reached or refuses the credentials
   */
  static open<T extends ServiceInfrastructure>(
    this: ServiceInfrastructureClass<T>,
    config: ServiceInfrastructureConfig,
  ): Promise<T> {
    return openServiceInfrastructure(this, config);
  }

  /** Use `XInfrastructure.open(config)`; the constructor expects an initialised data source. */
  constructor(
    readonly database: ServiceDatabase,
    readonly config: ServiceInfrastructureConfig,
    readonly dataSource: DataSource,
  ) {
    this.pool = poolOf(dataSource);
    this.store = new PostgresEventStore(config.schema, {}, config.onAppend);
    this.messaging = new Messaging({
      transport: config.transport,
      kafkaBrokers: config.kafkaBrokers,
      system: database.system,
      service: database.service,
      schema: config.schema,
      pool: this.pool,
      databaseUrl: config.databaseUrl,
      onError: config.onError,
      relay: { onPublished: (latencies) => config.onPublished?.(latencies) },
      retention: { ...config.retention, onPass: (deleted) => config.onRetentionPass?.(deleted) },
    });
  }

  /** The runners of the projections added with {@link addProjection}, in that order. */
  get projectionRunners(): readonly ProjectionRunner[] {
    return this.runners;
  }

  /** Adds a projection of the service's event log; `start()` runs it, `close()` stops it. */
  protected addProjection(projection: Projection): ProjectionRunner {
    const runner = new ProjectionRunner(this.pool, this.store, projection, { onError: this.config.onError });
    this.runners.push(runner);
    return runner;
  }

  /** Starts the messaging retention, the outbox relay (kafka) and the projections. Consumers are subscribed by the service. */
  async start(): Promise<void> {
    await this.messaging.start();
    for (const runner of this.runners) runner.start();
  }

  /** Stops the projections, then messaging (retention, relay, consumers), then closes the pool; safe to call twice. */
  async close(): Promise<void> {
    for (const runner of this.runners) await runner.stop();
    await this.messaging.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** Nest shutdown hook: {@link close}. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
