import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reminder engine's tables: `reminders` (one row per reminder occurrence, claimed with FOR UPDATE
 * SKIP LOCKED and marked fired in the transaction that puts ReminderDueV1 in the outbox) and
 * `reminder_plans` (the event version the pending reminders were planned from, and when).
 */
export function calendarRemindersMigration(schema: string): new () => MigrationInterface {
  return class CalendarReminders1796600000000 implements MigrationInterface {
    name = 'CalendarReminders1796600000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".reminders (
          key              TEXT PRIMARY KEY,
          event_id         UUID NOT NULL,
          workspace_id     TEXT NOT NULL,
          recurrence_id    TEXT,
          occurrence_start TEXT,
          due_at           TIMESTAMPTZ NOT NULL,
          recipients       TEXT[] NOT NULL,
          fired_at         TIMESTAMPTZ
        );
        CREATE INDEX IF NOT EXISTS reminders_due ON "${schema}".reminders (due_at) WHERE fired_at IS NULL;
        CREATE INDEX IF NOT EXISTS reminders_event ON "${schema}".reminders (event_id);
        CREATE TABLE IF NOT EXISTS "${schema}".reminder_plans (
          event_id   UUID PRIMARY KEY,
          version    INTEGER NOT NULL,
          planned_at TIMESTAMPTZ NOT NULL
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".reminder_plans; DROP TABLE IF EXISTS "${schema}".reminders`);
    }
  };
}
