import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `task_idempotency_keys.request_id`: the request that stored the key. A completion now stores its key
 * in the transaction of its events; the request then tells its own row (answer as it is) from another
 * request's with the same key (answer as a replay). Rows stored before have none (another request's).
 */
export function tasksIdempotencyKeyRequestIdMigration(schema: string): new () => MigrationInterface {
  return class TasksIdempotencyKeyRequestId1797210000001 implements MigrationInterface {
    name = 'TasksIdempotencyKeyRequestId1797210000001';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${schema}".task_idempotency_keys ADD COLUMN IF NOT EXISTS request_id UUID`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${schema}".task_idempotency_keys DROP COLUMN IF EXISTS request_id`);
    }
  };
}
