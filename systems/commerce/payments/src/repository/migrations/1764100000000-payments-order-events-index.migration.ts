import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Index of a wallet stream's events by order: a capture or refund reads only its order's events
 * (`AccountEventStoreRepository.loadForOrder`) instead of keeping every order's record in the
 * Account state. Partial: deposits and lifecycle events carry no `orderId`.
 */
export function paymentsOrderEventsIndexMigration(schema: string): new () => MigrationInterface {
  return class PaymentsOrderEventsIndex1764100000000 implements MigrationInterface {
    name = 'PaymentsOrderEventsIndex1764100000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE INDEX IF NOT EXISTS events_stream_order_idx
          ON "${schema}".events (stream_id, (data->>'orderId'))
          WHERE data ? 'orderId'`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP INDEX IF EXISTS "${schema}".events_stream_order_idx`);
    }
  };
}
