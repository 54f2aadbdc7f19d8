import { platformSchemaSql } from '@archipelago/platform-event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform tables (event store, outbox, inbox, checkpoints, dead letters); the e-mail index and
 * credentials (written with the UserRegistered event, in its transaction); the user list read
 * model; refresh token families and tokens (SHA-256 only); per-account login failures.
 */
export function identityInitMigration(schema: string): new () => MigrationInterface {
  return class IdentityInit1764000000000 implements MigrationInterface {
    name = 'IdentityInit1764000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(platformSchemaSql(schema));
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".user_emails (
          email   TEXT PRIMARY KEY,
          user_id UUID NOT NULL UNIQUE
        );
        CREATE TABLE IF NOT EXISTS "${schema}".user_credentials (
          user_id       UUID PRIMARY KEY,
          password_hash TEXT NOT NULL,
          updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS "${schema}".user_list (
          id           UUID PRIMARY KEY,
          seq          BIGINT NOT NULL UNIQUE,
          email        TEXT NOT NULL,
          display_name TEXT NOT NULL,
          roles        TEXT[] NOT NULL,
          version      INTEGER NOT NULL,
          created_at   TIMESTAMPTZ NOT NULL,
          updated_at   TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE IF NOT EXISTS "${schema}".refresh_token_families (
          id         UUID PRIMARY KEY,
          subject    TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          revoked_at TIMESTAMPTZ
        );
        CREATE TABLE IF NOT EXISTS "${schema}".refresh_tokens (
          token_hash BYTEA PRIMARY KEY,
          family_id  UUID NOT NULL REFERENCES "${schema}".refresh_token_families (id) ON DELETE CASCADE,
          scope      TEXT,
          created_at TIMESTAMPTZ NOT NULL,
          expires_at TIMESTAMPTZ NOT NULL,
          used_at    TIMESTAMPTZ
        );
        CREATE INDEX IF NOT EXISTS refresh_tokens_family_idx ON "${schema}".refresh_tokens (family_id);
        CREATE TABLE IF NOT EXISTS "${schema}".login_failures (
          email             TEXT PRIMARY KEY,
          window_started_at TIMESTAMPTZ NOT NULL,
          failures          INTEGER NOT NULL
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(
        `DROP TABLE IF EXISTS "${schema}".login_failures, "${schema}".refresh_tokens, "${schema}".refresh_token_families,
           "${schema}".user_list, "${schema}".user_credentials, "${schema}".user_emails`,
      );
    }
  };
}
