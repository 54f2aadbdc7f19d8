import { platformSchemaSql } from '@archipelago/platform-event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Platform tables (event store, outbox, inbox, checkpoints, dead letters) and the item list. */
export function notificationsInitMigration(schema: string): new () => MigrationInterface {
  return class NotificationsInit1796578352014 implements MigrationInterface {
    name = 'NotificationsInit1796578352014';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(platformSchemaSql(schema));
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".notifications_item_list (
          id         UUID PRIMARY KEY,
          seq        BIGINT NOT NULL UNIQUE,
          name       TEXT NOT NULL,
          version    INTEGER NOT NULL,
          created_at TIMESTAMPTZ NOT NULL
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".notifications_item_list`);
    }
  };
}
