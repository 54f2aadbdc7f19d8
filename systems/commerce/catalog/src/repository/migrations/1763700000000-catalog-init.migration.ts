import { platformSchemaSql } from '@archipelago/platform-event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Platform tables (event store, outbox, inbox, checkpoints, dead letters), SKU index and product list. */
export function catalogInitMigration(schema: string): new () => MigrationInterface {
  return class CatalogInit1763700000000 implements MigrationInterface {
    name = 'CatalogInit1763700000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(platformSchemaSql(schema));
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".product_skus (
          sku        TEXT PRIMARY KEY,
          product_id UUID NOT NULL UNIQUE
        );
        CREATE TABLE IF NOT EXISTS "${schema}".product_list (
          id             UUID PRIMARY KEY,
          seq            BIGINT NOT NULL UNIQUE,
          sku            TEXT NOT NULL,
          name           TEXT NOT NULL,
          price_amount   BIGINT NOT NULL,
          price_currency CHAR(3) NOT NULL,
          available      INTEGER NOT NULL,
          version        INTEGER NOT NULL,
          created_at     TIMESTAMPTZ NOT NULL,
          updated_at     TIMESTAMPTZ NOT NULL
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".product_list, "${schema}".product_skus`);
    }
  };
}
