import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: sign-in throttling per key (`login_throttle` replaces the per-account lockout table
 * `login_failures`).
 */
export function identitySessionsMigration(schema: string): new () => MigrationInterface {
  return class IdentitySessions1765000000000 implements MigrationInterface {
    name = 'IdentitySessions1765000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        DROP TABLE IF EXISTS "${schema}".login_failures;
        CREATE TABLE IF NOT EXISTS "${schema}".login_throttle (
          key             TEXT PRIMARY KEY,
          failures        INTEGER NOT NULL,
          last_failure_at TIMESTAMPTZ NOT NULL,
          blocked_until   TIMESTAMPTZ NOT NULL
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`
        DROP TABLE IF EXISTS "${schema}".login_throttle;
        CREATE TABLE IF NOT EXISTS "${schema}".login_failures (
          email             TEXT PRIMARY KEY,
          window_started_at TIMESTAMPTZ NOT NULL,
          failures          INTEGER NOT NULL
        );`);
    }
  };
}
