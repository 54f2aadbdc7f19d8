import { platformSchemaSql } from '@archipelago/platform-event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform tables (outbox, inbox, dead letters …), the credentials (one row each, the compact JWT
 * included; `(status_list, status_index)` unique: the status list's allocation), the published
 * status lists and the snapshots of registry entities.
 */
export function credentialsInitMigration(schema: string): new () => MigrationInterface {
  return class CredentialsInit1796578506952 implements MigrationInterface {
    name = 'CredentialsInit1796578506952';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(platformSchemaSql(schema));
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".credential (
          id           UUID PRIMARY KEY,
          seq          BIGSERIAL NOT NULL UNIQUE,
          entity_type  TEXT NOT NULL,
          entity_id    UUID NOT NULL,
          holder       TEXT,
          types        TEXT[] NOT NULL,
          status_list  INTEGER NOT NULL,
          status_index INTEGER NOT NULL,
          jwt          TEXT NOT NULL,
          cause        TEXT NOT NULL,
          claim_id     UUID UNIQUE,
          issued_at    TIMESTAMPTZ NOT NULL,
          revoked_at   TIMESTAMPTZ,
          UNIQUE (status_list, status_index)
        );
        CREATE INDEX IF NOT EXISTS credential_entity_idx ON "${schema}".credential (entity_type, entity_id);
        CREATE INDEX IF NOT EXISTS credential_holder_idx ON "${schema}".credential (holder);
        CREATE TABLE IF NOT EXISTS "${schema}".status_list (
          id              INTEGER PRIMARY KEY,
          revision        BIGINT NOT NULL DEFAULT 0,
          signed_revision BIGINT,
          jwt             TEXT
        );
        CREATE TABLE IF NOT EXISTS "${schema}".entity_snapshot (
          entity_type   TEXT NOT NULL,
          entity_id     UUID NOT NULL,
          body          JSONB NOT NULL,
          attested_data JSONB,
          PRIMARY KEY (entity_type, entity_id)
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(
        `DROP TABLE IF EXISTS "${schema}".entity_snapshot, "${schema}".status_list, "${schema}".credential`,
      );
    }
  };
}
