import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stock reservations on the product list: `stock` (units on hand) and `reserved` (held for
 * orders), with `available` = stock − reserved kept by the projection. Existing rows had no
 * reservations, so their stock is their available count.
 */
export function productListReservationsMigration(schema: string): new () => MigrationInterface {
  return class ProductListReservations1764000000000 implements MigrationInterface {
    name = 'ProductListReservations1764000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        ALTER TABLE "${schema}".product_list
          ADD COLUMN IF NOT EXISTS stock INTEGER,
          ADD COLUMN IF NOT EXISTS reserved INTEGER NOT NULL DEFAULT 0;
        UPDATE "${schema}".product_list SET stock = available WHERE stock IS NULL;
        ALTER TABLE "${schema}".product_list ALTER COLUMN stock SET NOT NULL;`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(
        `ALTER TABLE "${schema}".product_list DROP COLUMN IF EXISTS stock, DROP COLUMN IF EXISTS reserved`,
      );
    }
  };
}
