import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `entity_data_key`: envelope encryption's data keys, one per entity (and the blind-index key under
 * the nil UUID), each stored only wrapped (AES-256-GCM, `v1.<iv>.<ct>.<tag>`) by the key-encryption
 * key `kek_id` (REGISTRY_KEKS). Crypto-shredding sets `wrapped_key` and `kek_id` to NULL and records
 * `shredded_at` / `shredded_by`; the row stays as the audit fact of the erasure.
 */
export function registryEntityDataKeysMigration(schema: string): new () => MigrationInterface {
  return class RegistryEntityDataKeys1796540514000 implements MigrationInterface {
    name = 'RegistryEntityDataKeys1796540514000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".entity_data_key (
          entity_id    UUID PRIMARY KEY,
          kek_id       TEXT,
          wrapped_key  TEXT,
          created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
          rewrapped_at TIMESTAMPTZ,
          shredded_at  TIMESTAMPTZ,
          shredded_by  TEXT,
          CONSTRAINT entity_data_key_wrapped_or_shredded CHECK (
            (wrapped_key IS NOT NULL AND kek_id IS NOT NULL AND shredded_at IS NULL)
            OR (wrapped_key IS NULL AND kek_id IS NULL AND shredded_at IS NOT NULL))
        );
        CREATE INDEX IF NOT EXISTS entity_data_key_kek ON "${schema}".entity_data_key (kek_id) WHERE kek_id IS NOT NULL;`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".entity_data_key`);
    }
  };
}
