import { platformSchemaSql } from '@archipelago/platform-event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform tables (event store, outbox, inbox, checkpoints, dead letters), the deposit
 * idempotency keys and the wallet transactions read model.
 */
export function paymentsInitMigration(schema: string): new () => MigrationInterface {
  return class PaymentsInit1763800000000 implements MigrationInterface {
    name = 'PaymentsInit1763800000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(platformSchemaSql(schema));
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".idempotency_keys (
          customer_id TEXT NOT NULL,
          key         TEXT NOT NULL,
          fingerprint TEXT NOT NULL,
          response    JSONB,
          created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
          PRIMARY KEY (customer_id, key)
        );
        CREATE TABLE IF NOT EXISTS "${schema}".wallet_transactions (
          id              UUID PRIMARY KEY,
          seq             BIGINT NOT NULL UNIQUE,
          customer_id     TEXT NOT NULL,
          type            TEXT NOT NULL CHECK (type IN ('deposit', 'payment', 'refund')),
          amount          BIGINT NOT NULL CHECK (amount >= 0),
          currency        CHAR(3) NOT NULL,
          order_id        TEXT,
          at              TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX IF NOT EXISTS wallet_transactions_customer_seq_idx
          ON "${schema}".wallet_transactions (customer_id, seq DESC);`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".wallet_transactions, "${schema}".idempotency_keys`);
    }
  };
}
