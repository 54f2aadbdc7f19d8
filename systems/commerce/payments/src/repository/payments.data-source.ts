import { migrateServiceDatabase, type ServiceDatabase } from '@archipelago/platform-service-kit';
import { paymentsInitMigration } from './migrations/1763800000000-payments-init.migration.js';
import { paymentsOrderEventsIndexMigration } from './migrations/1764100000000-payments-order-events-index.migration.js';
import { paymentsWithdrawalsMigration } from './migrations/1765000000000-payments-withdrawals.migration.js';
import { WalletTransactionRecord } from './wallet-transaction.record.js';

/** The payments' schema on the commerce database: the wallet transaction record and its migrations. */
export const PAYMENTS_DATABASE: ServiceDatabase = {
  system: 'commerce',
  service: 'payments',
  records: [WalletTransactionRecord],
  migrations: (schema) => [paymentsInitMigration(schema), paymentsOrderEventsIndexMigration(schema), paymentsWithdrawalsMigration(schema)],
};

/** Creates the schema if missing and runs pending migrations; returns their names. */
export function migratePayments(url: string, schema: string): Promise<string[]> {
  return migrateServiceDatabase(PAYMENTS_DATABASE, url, schema);
}
