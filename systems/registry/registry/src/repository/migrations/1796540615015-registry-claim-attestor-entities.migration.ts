import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `claim_list.attestor_entity_type` and `attestor_entities`: the inbox of attestor entity owners
 * (a policy's `attestorEntity`). `attestor_entities` empty with a type: any owner of an entity of
 * the type may decide. The projection's checkpoint is reset so earlier claims get them. The
 * `entity_search` projection is rebuilt too: it now follows the version an attestation gives the
 * entity (EntityAttestationRecorded), so search results carry the current ETag version.
 */
export function registryClaimAttestorEntitiesMigration(schema: string): new () => MigrationInterface {
  return class RegistryClaimAttestorEntities1796540615015 implements MigrationInterface {
    name = 'RegistryClaimAttestorEntities1796540615015';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        ALTER TABLE "${schema}".claim_list ADD COLUMN IF NOT EXISTS attestor_entity_type TEXT;
        ALTER TABLE "${schema}".claim_list ADD COLUMN IF NOT EXISTS attestor_entities TEXT[] NOT NULL DEFAULT '{}';
        CREATE INDEX IF NOT EXISTS claim_list_attestor_entities ON "${schema}".claim_list USING GIN (attestor_entities);
        TRUNCATE "${schema}".claim_list;
        UPDATE "${schema}".projection_checkpoints SET transaction_id = '0', position = 0, updated_at = now()
         WHERE projection = 'claim_list';
        TRUNCATE "${schema}".entity_search;
        UPDATE "${schema}".projection_checkpoints SET transaction_id = '0', position = 0, updated_at = now()
         WHERE projection = 'entity_search';`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`
        DROP INDEX IF EXISTS "${schema}".claim_list_attestor_entities;
        ALTER TABLE "${schema}".claim_list DROP COLUMN IF EXISTS attestor_entities;
        ALTER TABLE "${schema}".claim_list DROP COLUMN IF EXISTS attestor_entity_type;`);
    }
  };
}
