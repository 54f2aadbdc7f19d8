import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12 §3: e-mail one-time codes, the fallback second factor. `email_otps` holds each user's
 * live code as SHA-256 of user id and code (one row per user: a new code supersedes the previous).
 */
export function identityEmailOtpsMigration(schema: string): new () => MigrationInterface {
  return class IdentityEmailOtps1767000000000 implements MigrationInterface {
    name = 'IdentityEmailOtps1767000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".email_otps (
          user_id    UUID PRIMARY KEY,
          code_hash  BYTEA NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          expires_at TIMESTAMPTZ NOT NULL,
          used_at    TIMESTAMPTZ
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".email_otps;`);
    }
  };
}
