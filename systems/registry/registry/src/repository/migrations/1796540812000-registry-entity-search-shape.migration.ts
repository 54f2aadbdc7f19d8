import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `entity_search.shaped_by`: the definition version whose `_osConfig` a row was derived with (the
 * version serving when the projection wrote it). A row whose `shaped_by` is not its type's serving
 * version is re-derived by the per-type rebuild (EntitySearchReshaper, ADR 0012), which activation
 * of a new version triggers; rows written before this column (NULL) are re-derived on the first pass.
 * Indexed with `definition_id` so that pass finds a type's stale rows without reading the others.
 */
export function registryEntitySearchShapeMigration(schema: string): new () => MigrationInterface {
  return class RegistryEntitySearchShape1796540812000 implements MigrationInterface {
    name = 'RegistryEntitySearchShape1796540812000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        ALTER TABLE "${schema}".entity_search ADD COLUMN IF NOT EXISTS shaped_by INTEGER;
        CREATE INDEX IF NOT EXISTS entity_search_shaped_by ON "${schema}".entity_search (definition_id, shaped_by, id);`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`
        DROP INDEX IF EXISTS "${schema}".entity_search_shaped_by;
        ALTER TABLE "${schema}".entity_search DROP COLUMN IF EXISTS shaped_by;`);
    }
  };
}
