import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `entity_unique_claim`: the `uniqueIndexFields` values live entities hold, one row per (definition,
 * fields, canonical JSON of the values); written in the transaction of the entity's events.
 */
export function registryEntitiesMigration(schema: string): new () => MigrationInterface {
  return class RegistryEntities1796540100000 implements MigrationInterface {
    name = 'RegistryEntities1796540100000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".entity_unique_claim (
          definition_id TEXT NOT NULL,
          fields        TEXT NOT NULL,
          value         TEXT NOT NULL,
          entity_id     UUID NOT NULL,
          PRIMARY KEY (definition_id, fields, value)
        );
        CREATE INDEX IF NOT EXISTS entity_unique_claim_entity ON "${schema}".entity_unique_claim (entity_id);`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".entity_unique_claim`);
    }
  };
}
