import { migrateServiceDatabase, type ServiceDatabase } from '@archipelago/platform-service-kit';
import { orderingInitMigration } from './migrations/1763800000000-ordering-init.migration.js';
import { dailySalesReportMigration } from './migrations/1765000000000-daily-sales-report.migration.js';
import { OrderRecord } from './order.record.js';

/** The ordering service's schema on the commerce database: the order record and its migrations. */
export const ORDERING_DATABASE: ServiceDatabase = {
  system: 'commerce',
  service: 'ordering',
  records: [OrderRecord],
  migrations: (schema) => [orderingInitMigration(schema), dailySalesReportMigration(schema)],
};

/** Creates the schema if missing and runs pending migrations; returns their names. */
export function migrateOrdering(url: string, schema: string): Promise<string[]> {
  return migrateServiceDatabase(ORDERING_DATABASE, url, schema);
}
