import { PostgresEventStore, ProjectionRunner } from '@archipelago/platform-event-store';
import { Messaging, type TransportKind } from '@archipelago/platform-messaging';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { createIdentityDataSource, poolOf } from './identity.data-source.js';
import { LoginAttemptsPostgresStore } from './login-attempts.postgres-store.js';
import { RefreshTokenPostgresStore } from './refresh-token.postgres-store.js';
import { UserEventStoreRepository } from './user.event-store.repository.js';
import { UserListProjection, UserListReadModel } from './user-list.projection.js';

export interface IdentityInfrastructureConfig {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly transport: TransportKind;
  readonly kafkaBrokers?: readonly string[];
  readonly onError?: (error: unknown) => void;
  /** Called with commit-to-publish latencies (ms) of each relayed batch (metrics). */
  readonly onPublished?: (latenciesMs: number[]) => void;
}

/**
 * Everything the identity service's Postgres adapters stand on, opened once per process: the
 * TypeORM data source (and its pg pool), the event store, messaging (outbox + relay for Kafka),
 * the user list projection, the refresh token and login-attempt stores. `start()` starts the
 * background loops; `close()` stops them.
 */
export class IdentityInfrastructure {
  readonly dataSource: DataSource;
  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  readonly messaging: Messaging;
  readonly projectionRunner: ProjectionRunner;
  readonly repository: UserEventStoreRepository;
  readonly readModel: UserListReadModel;
  readonly refreshTokens: RefreshTokenPostgresStore;
  readonly loginAttempts: LoginAttemptsPostgresStore;

  /** Opens the database and builds the adapters; starts nothing. */
  static async open(config: IdentityInfrastructureConfig): Promise<IdentityInfrastructure> {
    const dataSource = createIdentityDataSource(config.databaseUrl, config.schema);
    await dataSource.initialize();
    return new IdentityInfrastructure(config, dataSource);
  }

  private constructor(
    readonly config: IdentityInfrastructureConfig,
    dataSource: DataSource,
  ) {
    this.dataSource = dataSource;
    this.pool = poolOf(dataSource);
    this.store = new PostgresEventStore(config.schema);
    this.messaging = new Messaging({
      transport: config.transport,
      kafkaBrokers: config.kafkaBrokers,
      system: 'identity',
      service: 'identity',
      schema: config.schema,
      pool: this.pool,
      databaseUrl: config.databaseUrl,
      onError: config.onError,
      relay: { onPublished: (latencies) => config.onPublished?.(latencies) },
    });
    this.projectionRunner = new ProjectionRunner(this.pool, this.store, new UserListProjection(config.schema), {
      onError: config.onError,
    });
    this.repository = new UserEventStoreRepository(this.pool, this.store, this.messaging);
    this.readModel = new UserListReadModel(this.dataSource, this.projectionRunner);
    this.refreshTokens = new RefreshTokenPostgresStore(this.pool, config.schema);
    this.loginAttempts = new LoginAttemptsPostgresStore(this.pool, config.schema);
  }

  /** Starts the outbox relay (kafka) and the projection. */
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
