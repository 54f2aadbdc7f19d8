import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: refresh-token families become visible, bounded sessions: client, creating and last
 * IP, last use, absolute expiry, authentication time and methods. Families created before have no
 * absolute expiry recorded: they get created_at + 30 days. The user list shows disabled accounts.
 */
export function identitySessionLifetimesMigration(schema: string): new () => MigrationInterface {
  return class IdentitySessionLifetimes1765000000001 implements MigrationInterface {
    name = 'IdentitySessionLifetimes1765000000001';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        ALTER TABLE "${schema}".refresh_token_families
          ADD COLUMN IF NOT EXISTS client_id           TEXT,
          ADD COLUMN IF NOT EXISTS created_ip          TEXT,
          ADD COLUMN IF NOT EXISTS last_used_at        TIMESTAMPTZ,
          ADD COLUMN IF NOT EXISTS last_used_ip        TEXT,
          ADD COLUMN IF NOT EXISTS absolute_expires_at TIMESTAMPTZ,
          ADD COLUMN IF NOT EXISTS auth_time           TIMESTAMPTZ,
          ADD COLUMN IF NOT EXISTS amr                 TEXT[];
        UPDATE "${schema}".refresh_token_families
           SET absolute_expires_at = created_at + interval '30 days', auth_time = created_at, last_used_at = created_at
         WHERE absolute_expires_at IS NULL;
        ALTER TABLE "${schema}".refresh_token_families
          ALTER COLUMN absolute_expires_at SET NOT NULL,
          ALTER COLUMN auth_time SET NOT NULL,
          ALTER COLUMN last_used_at SET NOT NULL;
        CREATE INDEX IF NOT EXISTS refresh_token_families_subject_idx
          ON "${schema}".refresh_token_families (subject) WHERE revoked_at IS NULL;
        ALTER TABLE "${schema}".user_list ADD COLUMN IF NOT EXISTS disabled BOOLEAN NOT NULL DEFAULT false;`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`
        DROP INDEX IF EXISTS "${schema}".refresh_token_families_subject_idx;
        ALTER TABLE "${schema}".user_list DROP COLUMN IF EXISTS disabled;
        ALTER TABLE "${schema}".refresh_token_families
          DROP COLUMN IF EXISTS client_id, DROP COLUMN IF EXISTS created_ip, DROP COLUMN IF EXISTS last_used_at,
          DROP COLUMN IF EXISTS last_used_ip, DROP COLUMN IF EXISTS absolute_expires_at,
          DROP COLUMN IF EXISTS auth_time, DROP COLUMN IF EXISTS amr;`);
    }
  };
}
