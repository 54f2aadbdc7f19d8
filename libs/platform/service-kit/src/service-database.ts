import { platformSchemaSql } from '@archipelago/platform-event-store';
import type pg from 'pg';
import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';

/**
 * What one service keeps in its schema of its system's database, declared once per service next
 * to its records (`repository/<service>.data-source.ts`) and used both to serve and to migrate.
 */
export interface ServiceDatabase {
  /** The system whose database holds the schema (`commerce`): names the connections and CloudEvents sources. */
  readonly system: string;
  /** The service (`catalog`): with `system`, its messaging identity (`/<system>/<service>`). */
  readonly service: string;
  /** The service's TypeORM record classes. */
  readonly records: NonNullable<DataSourceOptions['entities']>;
  /**
   * The migration classes for `schema`, oldest first. TypeORM runs the ones not yet listed in
   * `<schema>.typeorm_migrations`.
   */
  readonly migrations: (schema: string) => ReadonlyArray<new () => MigrationInterface>;
}

/** Connections a serving process opens at most (the pool shared by TypeORM, event store, outbox and inbox). */
export const SERVICE_POOL_SIZE = 10;

/**
 * The service's TypeORM data source on `url`, scoped to `schema`, not yet initialised. Its
 * connections are named `<system>.<schema>` (`application_name`, seen in `pg_stat_activity`).
 * It never synchronises nor migrates by itself: migrations are explicit
 * ({@link migrateServiceDatabase}, `main.js migrate`, a Kubernetes pre-upgrade Job).
 *
 * @param url `postgres://` URL of the system's database
 * @param poolSize most connections of the pool
 */
export function createServiceDataSource(
  database: ServiceDatabase,
  url: string,
  schema: string,
  poolSize = SERVICE_POOL_SIZE,
): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    schema,
    entities: database.records,
    migrations: [...database.migrations(schema)],
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: `${database.system}.${schema}` },
  });
}

/** The `pg.Pool` inside an initialised TypeORM postgres data source, shared by the event store, outbox and inbox. */
export function poolOf(dataSource: DataSource): pg.Pool {
  return (dataSource.driver as unknown as { master: pg.Pool }).master;
}

/**
 * Creates `schema` if missing and runs the pending migrations of `database`, all in one
 * transaction (two connections at most), then the platform tables' idempotent DDL
 * (`platformSchemaSql`: event store, outbox, inbox, checkpoints, dead letters), so that indexes and
 * columns the platform added since the schema's init migration ran are there too.
 *
 * @returns the names of the migrations it ran, oldest first (empty when none was pending)
 * @throws the database error of a failed migration; nothing of the run is kept then
 */
export async function migrateServiceDatabase(
  database: ServiceDatabase,
  url: string,
  schema: string,
): Promise<string[]> {
  const dataSource = createServiceDataSource(database, url, schema, 2);
  await dataSource.initialize();
  try {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const ran = await dataSource.runMigrations({ transaction: 'all' });
    // The platform tables' DDL is idempotent and grows with the platform (indexes, columns added
    // later): re-running it brings schemas created by an older init migration to the current shape.
    await dataSource.query(platformSchemaSql(schema));
    return ran.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
