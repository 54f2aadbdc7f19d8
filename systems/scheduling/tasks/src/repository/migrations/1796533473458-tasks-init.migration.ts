import { platformSchemaSql } from '@archipelago/platform-event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Platform tables (event store, outbox, inbox, checkpoints, dead letters) and the task list. */
export function tasksInitMigration(schema: string): new () => MigrationInterface {
  return class TasksInit1796533473458 implements MigrationInterface {
    name = 'TasksInit1796533473458';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(platformSchemaSql(schema));
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".task_list (
          id           UUID PRIMARY KEY,
          seq          BIGINT NOT NULL UNIQUE,
          workspace_id TEXT NOT NULL,
          status       TEXT NOT NULL,
          priority     INTEGER NOT NULL,
          tags         TEXT[] NOT NULL,
          parent_id    TEXT,
          fields       JSONB NOT NULL,
          version      INTEGER NOT NULL,
          completed_at TIMESTAMPTZ,
          created_at   TIMESTAMPTZ NOT NULL,
          updated_at   TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX IF NOT EXISTS task_list_workspace_seq ON "${schema}".task_list (workspace_id, seq);
        CREATE INDEX IF NOT EXISTS task_list_parent ON "${schema}".task_list (parent_id) WHERE parent_id IS NOT NULL;`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".task_list`);
    }
  };
}
