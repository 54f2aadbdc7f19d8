import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12 §3: e-mail verification and password reset. `email_tokens` holds the single-use tokens
 * sent by e-mail (SHA-256 only), per purpose; `user_list.email_verified` shows the verification
 * in the admin list.
 */
export function identityEmailTokensMigration(schema: string): new () => MigrationInterface {
  return class IdentityEmailTokens1766000000000 implements MigrationInterface {
    name = 'IdentityEmailTokens1766000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".email_tokens (
          token_hash  BYTEA PRIMARY KEY,
          purpose     TEXT NOT NULL CHECK (purpose IN ('verify-email', 'reset-password')),
          user_id     UUID NOT NULL,
          email       TEXT NOT NULL,
          created_at  TIMESTAMPTZ NOT NULL,
          expires_at  TIMESTAMPTZ NOT NULL,
          used_at     TIMESTAMPTZ
        );
        CREATE INDEX IF NOT EXISTS email_tokens_user_idx ON "${schema}".email_tokens (user_id, purpose);
        ALTER TABLE "${schema}".user_list ADD COLUMN IF NOT EXISTS email_verified BOOLEAN NOT NULL DEFAULT false;`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`
        DROP TABLE IF EXISTS "${schema}".email_tokens;
        ALTER TABLE "${schema}".user_list DROP COLUMN IF EXISTS email_verified;`);
    }
  };
}
