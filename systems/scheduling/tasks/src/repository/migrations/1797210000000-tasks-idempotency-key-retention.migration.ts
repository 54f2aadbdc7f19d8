import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index on `task_idempotency_keys.created_at`, so the retention job
 * (`IDEMPOTENCY_KEY_RETENTION_HOURS`) finds the oldest keys of each batch without scanning the table.
 */
export function tasksIdempotencyKeyRetentionMigration(schema: string): new () => MigrationInterface {
  return class TasksIdempotencyKeyRetention1797210000000 implements MigrationInterface {
    name = 'TasksIdempotencyKeyRetention1797210000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(
        `CREATE INDEX IF NOT EXISTS task_idempotency_keys_created_at ON "${schema}".task_idempotency_keys (created_at)`,
      );
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP INDEX IF EXISTS "${schema}".task_idempotency_keys_created_at`);
    }
  };
}
