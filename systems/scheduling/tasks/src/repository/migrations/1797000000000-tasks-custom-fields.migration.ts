import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Filtering the task list by custom field (`GET /scheduling/v1/tasks?cf.<key>=<value>`): a GIN index
 * (`jsonb_path_ops`, containment only) on the same expression the list query matches
 * (`fields->'customFields' @> …` in task-list.projection.ts). Custom fields and attachments live in the
 * `fields` document of `task_list`, so the table itself does not change; rows of tasks created before
 * have neither (the read model answers `{}` and `[]`).
 */
export function tasksCustomFieldsMigration(schema: string): new () => MigrationInterface {
  return class TasksCustomFields1797000000000 implements MigrationInterface {
    name = 'TasksCustomFields1797000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(
        `CREATE INDEX IF NOT EXISTS task_list_custom_fields ON "${schema}".task_list USING gin ((fields->'customFields') jsonb_path_ops)`,
      );
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP INDEX IF EXISTS "${schema}".task_list_custom_fields`);
    }
  };
}
