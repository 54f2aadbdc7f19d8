import { platformSchemaSql } from '@archipelago/platform-event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Platform tables (event store, outbox, inbox, checkpoints, dead letters) and the calendar event list. */
export function calendarInitMigration(schema: string): new () => MigrationInterface {
  return class CalendarInit1796533479172 implements MigrationInterface {
    name = 'CalendarInit1796533479172';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(platformSchemaSql(schema));
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".calendar_event_list (
          id           UUID PRIMARY KEY,
          seq          BIGINT NOT NULL UNIQUE,
          workspace_id TEXT NOT NULL,
          fields       JSONB NOT NULL,
          version      INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS calendar_event_list_workspace ON "${schema}".calendar_event_list (workspace_id, seq);`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".calendar_event_list`);
    }
  };
}
