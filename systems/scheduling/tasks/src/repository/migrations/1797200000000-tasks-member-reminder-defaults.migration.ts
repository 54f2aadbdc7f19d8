import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `member_reminder_defaults`: tasks' copy of each member's default reminders per workspace, kept from
 * calendar's MemberReminderDefaultsSetV1 (the highest `version` wins), so a new task gets its creator's
 * defaults without reading calendar's tables.
 */
export function tasksMemberReminderDefaultsMigration(schema: string): new () => MigrationInterface {
  return class TasksMemberReminderDefaults1797200000000 implements MigrationInterface {
    name = 'TasksMemberReminderDefaults1797200000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".member_reminder_defaults (
          workspace_id      TEXT        NOT NULL,
          user_id           TEXT        NOT NULL,
          default_reminders JSONB       NOT NULL,
          version           BIGINT      NOT NULL,
          updated_at        TIMESTAMPTZ NOT NULL,
          PRIMARY KEY (workspace_id, user_id)
        )`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".member_reminder_defaults`);
    }
  };
}
