import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tasks reminder engine's tables: `task_reminders` (one row per reminder, claimed with FOR UPDATE
 * SKIP LOCKED and marked fired in the transaction that puts TaskDueSoonV1 in the outbox) and
 * `task_reminder_plans` (the task version its pending reminders were planned from).
 */
export function tasksRemindersMigration(schema: string): new () => MigrationInterface {
  return class TasksReminders1796800000000 implements MigrationInterface {
    name = 'TasksReminders1796800000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".task_reminders (
          key          TEXT PRIMARY KEY,
          task_id      UUID NOT NULL,
          workspace_id TEXT NOT NULL,
          title        TEXT NOT NULL,
          due          JSONB,
          due_at       TIMESTAMPTZ NOT NULL,
          recipients   TEXT[] NOT NULL,
          fired_at     TIMESTAMPTZ
        );
        CREATE INDEX IF NOT EXISTS task_reminders_due ON "${schema}".task_reminders (due_at) WHERE fired_at IS NULL;
        CREATE INDEX IF NOT EXISTS task_reminders_task ON "${schema}".task_reminders (task_id);
        CREATE TABLE IF NOT EXISTS "${schema}".task_reminder_plans (
          task_id UUID PRIMARY KEY,
          version INTEGER NOT NULL
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(
        `DROP TABLE IF EXISTS "${schema}".task_reminder_plans; DROP TABLE IF EXISTS "${schema}".task_reminders`,
      );
    }
  };
}
