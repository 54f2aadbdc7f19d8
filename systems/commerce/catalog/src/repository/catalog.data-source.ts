import { migrateServiceDatabase, type ServiceDatabase } from '@archipelago/platform-service-kit';
import { catalogInitMigration } from './migrations/1763700000000-catalog-init.migration.js';
import { productListReservationsMigration } from './migrations/1764000000000-product-list-reservations.migration.js';
import { productListLowStockMigration } from './migrations/1765000000000-product-list-low-stock.migration.js';
import { ProductRecord } from './product.record.js';

/** The catalog's schema on the commerce database: the product record and its migrations. */
export const CATALOG_DATABASE: ServiceDatabase = {
  system: 'commerce',
  service: 'catalog',
  records: [ProductRecord],
  migrations: (schema) => [catalogInitMigration(schema), productListReservationsMigration(schema), productListLowStockMigration(schema)],
};

/** Creates the schema if missing and runs pending migrations; returns their names. */
export function migrateCatalog(url: string, schema: string): Promise<string[]> {
  return migrateServiceDatabase(CATALOG_DATABASE, url, schema);
}
