import type pg from 'pg';
import { DataSource } from 'typeorm';
import { paymentsInitMigration } from './migrations/1763800000000-payments-init.migration.js';
import { WalletTransactionRecord } from './wallet-transaction.record.js';

/**
 * The payments' TypeORM data source on the commerce database, scoped to the service's schema.
 * Migrations are explicit (`main.js migrate`); the service never migrates at start-up.
 */
export function createPaymentsDataSource(url: string, schema: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    schema,
    entities: [WalletTransactionRecord],
    migrations: [paymentsInitMigration(schema)],
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: `commerce.${schema}` },
  });
}

/** The `pg.Pool` inside a TypeORM postgres data source, shared by the event store, outbox and inbox. */
export function poolOf(dataSource: DataSource): pg.Pool {
  return (dataSource.driver as unknown as { master: pg.Pool }).master;
}

/** Creates the schema if missing and runs pending migrations; returns their names. */
export async function migratePayments(url: string, schema: string): Promise<string[]> {
  const dataSource = createPaymentsDataSource(url, schema, 2);
  await dataSource.initialize();
  try {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const ran = await dataSource.runMigrations({ transaction: 'all' });
    return ran.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
