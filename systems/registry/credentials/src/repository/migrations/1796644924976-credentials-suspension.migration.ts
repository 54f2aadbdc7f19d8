import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Suspension (Bitstring Status List v1.0 `statusPurpose: suspension`): each credential's index in
 * the suspension status list (null for credentials issued before: they have no suspension entry)
 * and since when it is suspended; `(suspension_list, suspension_index)` unique (the list's
 * allocation). `entity_activation`: per registry entity, the last applied deactivation or
 * reactivation and the entity version it made (older events arriving late are ignored).
 */
export function credentialsSuspensionMigration(schema: string): new () => MigrationInterface {
  return class CredentialsSuspension1796644924976 implements MigrationInterface {
    name = 'CredentialsSuspension1796644924976';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        ALTER TABLE "${schema}".credential
          ADD COLUMN IF NOT EXISTS suspension_list  INTEGER,
          ADD COLUMN IF NOT EXISTS suspension_index INTEGER,
          ADD COLUMN IF NOT EXISTS suspended_at     TIMESTAMPTZ;
        ALTER TABLE "${schema}".credential DROP CONSTRAINT IF EXISTS credential_suspension_slot_key;
        ALTER TABLE "${schema}".credential
          ADD CONSTRAINT credential_suspension_slot_key UNIQUE (suspension_list, suspension_index);
        CREATE TABLE IF NOT EXISTS "${schema}".entity_activation (
          entity_type TEXT NOT NULL,
          entity_id   UUID NOT NULL,
          version     INTEGER NOT NULL,
          deactivated BOOLEAN NOT NULL,
          changed_at  TIMESTAMPTZ NOT NULL,
          PRIMARY KEY (entity_type, entity_id)
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`
        DROP TABLE IF EXISTS "${schema}".entity_activation;
        ALTER TABLE "${schema}".credential
          DROP CONSTRAINT IF EXISTS credential_suspension_slot_key,
          DROP COLUMN IF EXISTS suspended_at,
          DROP COLUMN IF EXISTS suspension_index,
          DROP COLUMN IF EXISTS suspension_list;`);
    }
  };
}
