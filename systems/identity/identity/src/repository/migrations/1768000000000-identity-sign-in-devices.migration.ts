import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17: the devices each user signed in from (client id, browser family, /24 or /48 network),
 * for the new-sign-in security message. Bounded: at most 20 rows per user (the store drops the
 * least recently seen); no address, no full user agent.
 */
export function identitySignInDevicesMigration(schema: string): new () => MigrationInterface {
  return class IdentitySignInDevices1768000000000 implements MigrationInterface {
    name = 'IdentitySignInDevices1768000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".sign_in_devices (
          user_id       UUID NOT NULL,
          client_id     TEXT NOT NULL,
          device        TEXT NOT NULL,
          network       TEXT NOT NULL,
          first_seen_at TIMESTAMPTZ NOT NULL,
          last_seen_at  TIMESTAMPTZ NOT NULL,
          PRIMARY KEY (user_id, client_id, device, network)
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".sign_in_devices;`);
    }
  };
}
