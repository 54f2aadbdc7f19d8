import type pg from 'pg';
import { DataSource } from 'typeorm';
import { orderingInitMigration } from './migrations/1763800000000-ordering-init.migration.js';
import { OrderRecord } from './order.record.js';

/**
 * The ordering service's TypeORM data source on the commerce database, scoped to its schema.
 * Migrations are explicit (`main.js migrate`, a Kubernetes pre-upgrade Job); the service never
 * migrates at start-up.
 */
export function createOrderingDataSource(url: string, schema: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    schema,
    entities: [OrderRecord],
    migrations: [orderingInitMigration(schema)],
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: `commerce.${schema}` },
  });
}

/** The `pg.Pool` inside a TypeORM postgres data source, shared by the event store and outbox. */
export function poolOf(dataSource: DataSource): pg.Pool {
  return (dataSource.driver as unknown as { master: pg.Pool }).master;
}

/** Creates the schema if missing and runs pending migrations; returns their names. */
export async function migrateOrdering(url: string, schema: string): Promise<string[]> {
  const dataSource = createOrderingDataSource(url, schema, 2);
  await dataSource.initialize();
  try {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const ran = await dataSource.runMigrations({ transaction: 'all' });
    return ran.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
