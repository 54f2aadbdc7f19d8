import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The `definition_list` read model (one row per definition; ids are not RFC 4122, hence TEXT). */
export function registryDefinitionsMigration(schema: string): new () => MigrationInterface {
  return class RegistryDefinitions1796540000000 implements MigrationInterface {
    name = 'RegistryDefinitions1796540000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".definition_list (
          id             TEXT PRIMARY KEY,
          title          TEXT NOT NULL,
          status         TEXT NOT NULL,
          version        INTEGER NOT NULL,
          active_version INTEGER,
          updated_at     TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX IF NOT EXISTS definition_list_title ON "${schema}".definition_list (title, id);`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".definition_list`);
    }
  };
}
