import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Calendar settings per workspace: the default reminders of new events (a JSON list of reminders). */
export function calendarWorkspaceSettingsMigration(schema: string): new () => MigrationInterface {
  return class CalendarWorkspaceSettings1796900000000 implements MigrationInterface {
    name = 'CalendarWorkspaceSettings1796900000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".workspace_settings (
          workspace_id      TEXT PRIMARY KEY,
          default_reminders JSONB NOT NULL,
          updated_by        TEXT NOT NULL,
          updated_at        TIMESTAMPTZ NOT NULL
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".workspace_settings`);
    }
  };
}
