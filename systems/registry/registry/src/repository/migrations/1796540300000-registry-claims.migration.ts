import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `claim_list`: the attestors' inbox read model behind `GET /registry/v1/claims`. */
export function registryClaimsMigration(schema: string): new () => MigrationInterface {
  return class RegistryClaims1796540300000 implements MigrationInterface {
    name = 'RegistryClaims1796540300000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".claim_list (
          id             UUID PRIMARY KEY,
          status         TEXT NOT NULL,
          attestor_roles TEXT[] NOT NULL,
          requester      TEXT NOT NULL,
          raised_at      TIMESTAMPTZ NOT NULL,
          view           JSONB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS claim_list_roles ON "${schema}".claim_list USING GIN (attestor_roles);
        CREATE INDEX IF NOT EXISTS claim_list_raised ON "${schema}".claim_list (raised_at, id);`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".claim_list`);
    }
  };
}
