import { platformSchemaSql } from '@archipelago/platform-event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Platform tables (event store, outbox, inbox, checkpoints, dead letters) and the item list. */
export function calendarInitMigration(schema: string): new () => MigrationInterface {
  return class CalendarInit1796533479172 implements MigrationInterface {
    name = 'CalendarInit1796533479172';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(platformSchemaSql(schema));
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".calendar_item_list (
          id         UUID PRIMARY KEY,
          seq        BIGINT NOT NULL UNIQUE,
          name       TEXT NOT NULL,
          version    INTEGER NOT NULL,
          created_at TIMESTAMPTZ NOT NULL
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".calendar_item_list`);
    }
  };
}
