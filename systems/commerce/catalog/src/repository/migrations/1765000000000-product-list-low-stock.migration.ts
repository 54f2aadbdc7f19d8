import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Low-stock thresholds on the product list: `low_stock_threshold` (units; 0 for products created
 * before thresholds existed, as their streams read) and a partial index for the admins' list of
 * products at or below it (`?lowStock=true`).
 */
export function productListLowStockMigration(schema: string): new () => MigrationInterface {
  return class ProductListLowStock1765000000000 implements MigrationInterface {
    name = 'ProductListLowStock1765000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        ALTER TABLE "${schema}".product_list ADD COLUMN IF NOT EXISTS low_stock_threshold INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX IF NOT EXISTS product_list_low_stock_idx ON "${schema}".product_list (seq) WHERE available <= low_stock_threshold;`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`
        DROP INDEX IF EXISTS "${schema}".product_list_low_stock_idx;
        ALTER TABLE "${schema}".product_list DROP COLUMN IF EXISTS low_stock_threshold;`);
    }
  };
}
