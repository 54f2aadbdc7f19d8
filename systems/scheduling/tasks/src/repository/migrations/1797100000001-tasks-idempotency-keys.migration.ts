import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `task_idempotency_keys`: per caller, each Idempotency-Key sent to `POST …/tasks/{id}/complete`, the
 * fingerprint of that request and the answer it got, so a retry answers the same and does nothing again.
 */
export function tasksIdempotencyKeysMigration(schema: string): new () => MigrationInterface {
  return class TasksIdempotencyKeys1797100000001 implements MigrationInterface {
    name = 'TasksIdempotencyKeys1797100000001';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".task_idempotency_keys (
          caller_id   TEXT        NOT NULL,
          key         TEXT        NOT NULL,
          fingerprint TEXT        NOT NULL,
          answer      JSONB       NOT NULL,
          created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
          PRIMARY KEY (caller_id, key)
        )`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".task_idempotency_keys`);
    }
  };
}
