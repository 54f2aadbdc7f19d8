import { platformSchemaSql } from '@archipelago/platform-event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Platform tables (event store, outbox, inbox, checkpoints, dead letters) and the item list. */
export function credentialsInitMigration(schema: string): new () => MigrationInterface {
  return class CredentialsInit1796578506952 implements MigrationInterface {
    name = 'CredentialsInit1796578506952';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(platformSchemaSql(schema));
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".credentials_item_list (
          id         UUID PRIMARY KEY,
          seq        BIGINT NOT NULL UNIQUE,
          name       TEXT NOT NULL,
          version    INTEGER NOT NULL,
          created_at TIMESTAMPTZ NOT NULL
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".credentials_item_list`);
    }
  };
}
