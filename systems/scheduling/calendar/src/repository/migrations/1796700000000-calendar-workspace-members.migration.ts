import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Calendar's membership read model of shared workspaces (consumed from tasks' membership events). */
export function calendarWorkspaceMembersMigration(schema: string): new () => MigrationInterface {
  return class CalendarWorkspaceMembers1796700000000 implements MigrationInterface {
    name = 'CalendarWorkspaceMembers1796700000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".workspace_members (
          workspace_id TEXT NOT NULL,
          user_id      TEXT NOT NULL,
          role         TEXT NOT NULL,
          PRIMARY KEY (workspace_id, user_id)
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".workspace_members`);
    }
  };
}
