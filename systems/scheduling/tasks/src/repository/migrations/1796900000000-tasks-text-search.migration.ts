import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search of the task list (`GET /scheduling/v1/tasks?q=`): a GIN index on the same
 * expression the list query matches (`TASK_TEXT` in task-list.projection.ts, without the alias), and
 * an index on the assignee for `?assigneeId=`.
 */
export function tasksTextSearchMigration(schema: string): new () => MigrationInterface {
  return class TasksTextSearch1796900000000 implements MigrationInterface {
    name = 'TasksTextSearch1796900000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE INDEX IF NOT EXISTS task_list_text ON "${schema}".task_list USING gin
          ((to_tsvector('simple', coalesce(fields->>'title', '') || ' ' || coalesce(fields->>'description', ''))));
        CREATE INDEX IF NOT EXISTS task_list_assignee ON "${schema}".task_list (workspace_id, (fields->>'assigneeId'))
          WHERE fields->>'assigneeId' IS NOT NULL;`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(
        `DROP INDEX IF EXISTS "${schema}".task_list_text; DROP INDEX IF EXISTS "${schema}".task_list_assignee;`,
      );
    }
  };
}
