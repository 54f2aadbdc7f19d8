import { platformSchemaSql } from '@archipelago/platform-event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform tables (event store, outbox, inbox, checkpoints, dead letters), Idempotency-Keys,
 * timeout deadlines of pending orders and the order list read model.
 */
export function orderingInitMigration(schema: string): new () => MigrationInterface {
  return class OrderingInit1763800000000 implements MigrationInterface {
    name = 'OrderingInit1763800000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(platformSchemaSql(schema));
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".order_idempotency_keys (
          customer_id     TEXT        NOT NULL,
          idempotency_key TEXT        NOT NULL,
          fingerprint     TEXT        NOT NULL,
          order_id        UUID        NOT NULL,
          created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
          CONSTRAINT order_idempotency_keys_pkey PRIMARY KEY (customer_id, idempotency_key)
        );
        CREATE TABLE IF NOT EXISTS "${schema}".order_deadlines (
          order_id    UUID PRIMARY KEY,
          deadline_at TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX IF NOT EXISTS order_deadlines_due_idx ON "${schema}".order_deadlines (deadline_at);
        CREATE TABLE IF NOT EXISTS "${schema}".order_list (
          id                  UUID PRIMARY KEY,
          seq                 BIGINT NOT NULL UNIQUE,
          customer_id         TEXT NOT NULL,
          status              TEXT NOT NULL,
          items               JSONB NOT NULL,
          total_amount        BIGINT NOT NULL,
          total_currency      CHAR(3) NOT NULL,
          cancellation_reason TEXT,
          version             INTEGER NOT NULL,
          created_at          TIMESTAMPTZ NOT NULL,
          updated_at          TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX IF NOT EXISTS order_list_customer_idx ON "${schema}".order_list (customer_id, seq DESC);`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(
        `DROP TABLE IF EXISTS "${schema}".order_list, "${schema}".order_deadlines, "${schema}".order_idempotency_keys`,
      );
    }
  };
}
