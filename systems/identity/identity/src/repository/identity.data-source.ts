import type pg from 'pg';
import { DataSource } from 'typeorm';
import { identityInitMigration } from './migrations/1764000000000-identity-init.migration.js';
import { UserRecord } from './user.record.js';

/**
 * The identity service's TypeORM data source on the identity database, scoped to its schema.
 * Migrations are explicit (`main.js migrate`); the service never migrates at start-up.
 */
export function createIdentityDataSource(url: string, schema: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    schema,
    entities: [UserRecord],
    migrations: [identityInitMigration(schema)],
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: `identity.${schema}` },
  });
}

/** The `pg.Pool` inside a TypeORM postgres data source, shared by the event store and outbox. */
export function poolOf(dataSource: DataSource): pg.Pool {
  return (dataSource.driver as unknown as { master: pg.Pool }).master;
}

/** Creates the schema if missing and runs pending migrations; returns their names. */
export async function migrateIdentity(url: string, schema: string): Promise<string[]> {
  const dataSource = createIdentityDataSource(url, schema, 2);
  await dataSource.initialize();
  try {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const ran = await dataSource.runMigrations({ transaction: 'all' });
    return ran.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
