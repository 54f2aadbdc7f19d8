import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `entity_search.owner_keys`: how "my entities" (`GET /registry/v1/entity/{type}`) finds the caller's
 * entities. Each key is the SHA-256 (hex) of `user:<user id>` or `email:<lower-cased e-mail>`, one
 * per identity the type's `ownershipAttributes` name (an owner's e-mail may be a private field: it
 * is never kept in plain text here). GIN-indexed for `owner_keys && $keys`. The projection's
 * checkpoint is reset so rows written before this column get their keys on the next catch-up.
 */
export function registryEntityOwnersMigration(schema: string): new () => MigrationInterface {
  return class RegistryEntityOwners1796540400000 implements MigrationInterface {
    name = 'RegistryEntityOwners1796540400000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        ALTER TABLE "${schema}".entity_search ADD COLUMN IF NOT EXISTS owner_keys TEXT[] NOT NULL DEFAULT '{}';
        CREATE INDEX IF NOT EXISTS entity_search_owner_keys ON "${schema}".entity_search USING GIN (owner_keys);
        TRUNCATE "${schema}".entity_search;
        UPDATE "${schema}".projection_checkpoints SET transaction_id = '0', position = 0, updated_at = now()
         WHERE projection = 'entity_search';`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`
        DROP INDEX IF EXISTS "${schema}".entity_search_owner_keys;
        ALTER TABLE "${schema}".entity_search DROP COLUMN IF EXISTS owner_keys;`);
    }
  };
}
