import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12 §3: second factor. `totp_factors` holds a user's TOTP secret (pending until the first
 * code confirms it) and the last accepted time step (replay protection); `totp_recovery_codes`
 * the SHA-256 of each one-time recovery code. The authorization request remembers the password
 * step (`subject`, `auth_time`) while the code step is shown, and codes carry the `amr` to put
 * in the ID token.
 */
export function identityTotpMigration(schema: string): new () => MigrationInterface {
  return class IdentityTotp1765000000010 implements MigrationInterface {
    name = 'IdentityTotp1765000000010';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".totp_factors (
          user_id        UUID PRIMARY KEY,
          status         TEXT NOT NULL CHECK (status IN ('pending', 'active')),
          secret         TEXT NOT NULL,
          last_used_step BIGINT,
          created_at     TIMESTAMPTZ NOT NULL,
          confirmed_at   TIMESTAMPTZ
        );
        CREATE TABLE IF NOT EXISTS "${schema}".totp_recovery_codes (
          user_id   UUID NOT NULL REFERENCES "${schema}".totp_factors (user_id) ON DELETE CASCADE,
          code_hash BYTEA NOT NULL,
          used_at   TIMESTAMPTZ,
          PRIMARY KEY (user_id, code_hash)
        );
        ALTER TABLE "${schema}".authorization_requests
          ADD COLUMN IF NOT EXISTS subject TEXT,
          ADD COLUMN IF NOT EXISTS auth_time TIMESTAMPTZ,
          ADD COLUMN IF NOT EXISTS amr TEXT;
        ALTER TABLE "${schema}".authorization_codes ADD COLUMN IF NOT EXISTS amr TEXT;`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`
        ALTER TABLE "${schema}".authorization_codes DROP COLUMN IF EXISTS amr;
        ALTER TABLE "${schema}".authorization_requests
          DROP COLUMN IF EXISTS amr, DROP COLUMN IF EXISTS auth_time, DROP COLUMN IF EXISTS subject;
        DROP TABLE IF EXISTS "${schema}".totp_recovery_codes, "${schema}".totp_factors;`);
    }
  };
}
