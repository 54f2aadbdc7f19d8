import type { MigrationInterface, QueryRunner } from 'typeorm';
import { calendarWorkspaceSettingsMigration } from './1796900000000-calendar-workspace-settings.migration.js';

/**
 * Calendar settings per member of a workspace (issue 16: "user default reminders per workspace"):
 * `member_settings` keyed by (workspace, user) replaces the one list per workspace of
 * `workspace_settings`. Existing lists are kept for everyone they applied to, so no member's new
 * events change on deploy: a personal workspace's list goes to its user, a shared workspace's list to
 * each of its current members (as far as calendar's membership read model knows them).
 * `down` recreates `workspace_settings` (as its own migration did) with, per workspace, the most
 * recently changed member list.
 */
export function calendarMemberSettingsMigration(schema: string): new () => MigrationInterface {
  return class CalendarMemberSettings1797000000000 implements MigrationInterface {
    name = 'CalendarMemberSettings1797000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".member_settings (
          workspace_id      TEXT NOT NULL,
          user_id           TEXT NOT NULL,
          default_reminders JSONB NOT NULL,
          updated_at        TIMESTAMPTZ NOT NULL,
          PRIMARY KEY (workspace_id, user_id)
        );`);
      await runner.query(`
        INSERT INTO "${schema}".member_settings (workspace_id, user_id, default_reminders, updated_at)
        SELECT s.workspace_id, substr(s.workspace_id, length('personal:') + 1), s.default_reminders, s.updated_at
          FROM "${schema}".workspace_settings s
         WHERE s.workspace_id LIKE 'personal:%'
        UNION ALL
        SELECT s.workspace_id, m.user_id, s.default_reminders, s.updated_at
          FROM "${schema}".workspace_settings s
          JOIN "${schema}".workspace_members m ON m.workspace_id = s.workspace_id
        ON CONFLICT (workspace_id, user_id) DO NOTHING;`);
      await runner.query(`DROP TABLE "${schema}".workspace_settings`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await new (calendarWorkspaceSettingsMigration(schema))().up(runner);
      await runner.query(`
        INSERT INTO "${schema}".workspace_settings (workspace_id, default_reminders, updated_by, updated_at)
        SELECT DISTINCT ON (workspace_id) workspace_id, default_reminders, user_id, updated_at
          FROM "${schema}".member_settings
         ORDER BY workspace_id, updated_at DESC, user_id
        ON CONFLICT (workspace_id) DO NOTHING;`);
      await runner.query(`DROP TABLE "${schema}".member_settings`);
    }
  };
}
