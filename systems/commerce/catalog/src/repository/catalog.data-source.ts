import type pg from 'pg';
import { DataSource } from 'typeorm';
import { catalogInitMigration } from './migrations/1763700000000-catalog-init.migration.js';
import { productListReservationsMigration } from './migrations/1764000000000-product-list-reservations.migration.js';
import { ProductRecord } from './product.record.js';

/**
 * The catalog's TypeORM data source on the commerce database, scoped to the service's schema.
 * Migrations are explicit (`main.js migrate`, a Kubernetes pre-upgrade Job); the service never
 * migrates at start-up.
 */
export function createCatalogDataSource(url: string, schema: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    schema,
    entities: [ProductRecord],
    migrations: [catalogInitMigration(schema), productListReservationsMigration(schema)],
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
export async function migrateCatalog(url: string, schema: string): Promise<string[]> {
  const dataSource = createCatalogDataSource(url, schema, 2);
  await dataSource.initialize();
  try {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const ran = await dataSource.runMigrations({ transaction: 'all' });
    return ran.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
