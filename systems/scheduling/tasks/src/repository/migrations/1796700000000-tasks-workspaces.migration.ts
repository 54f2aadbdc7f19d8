import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read models of shared workspaces: `workspace_list` (one row per live workspace) and `workspace_members`. */
export function tasksWorkspacesMigration(schema: string): new () => MigrationInterface {
  return class TasksWorkspaces1796700000000 implements MigrationInterface {
    name = 'TasksWorkspaces1796700000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".workspace_list (
          id         TEXT PRIMARY KEY,
          name       TEXT NOT NULL,
          version    INTEGER NOT NULL,
          created_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE IF NOT EXISTS "${schema}".workspace_members (
          workspace_id TEXT NOT NULL REFERENCES "${schema}".workspace_list (id) ON DELETE CASCADE,
          user_id      TEXT NOT NULL,
          role         TEXT NOT NULL,
          PRIMARY KEY (workspace_id, user_id)
        );
        CREATE INDEX IF NOT EXISTS workspace_members_user ON "${schema}".workspace_members (user_id);`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(
        `DROP TABLE IF EXISTS "${schema}".workspace_members; DROP TABLE IF EXISTS "${schema}".workspace_list`,
      );
    }
  };
}
