import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `entity_search`: the jsonb read model searched by `POST /registry/v1/entity/{type}/search` (no private fields). */
export function registryEntitySearchMigration(schema: string): new () => MigrationInterface {
  return class RegistryEntitySearch1796540200000 implements MigrationInterface {
    name = 'RegistryEntitySearch1796540200000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".entity_search (
          id            UUID PRIMARY KEY,
          definition_id TEXT NOT NULL,
          status        TEXT NOT NULL,
          version       INTEGER NOT NULL,
          body          JSONB NOT NULL,
          updated_at    TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX IF NOT EXISTS entity_search_definition ON "${schema}".entity_search (definition_id, id);
        CREATE INDEX IF NOT EXISTS entity_search_body ON "${schema}".entity_search USING GIN (body jsonb_path_ops);`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".entity_search`);
    }
  };
}
