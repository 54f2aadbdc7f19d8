import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12 §2: OpenID Connect authorization code flow. `authorization_requests` holds a validated
 * request while the login page is shown (the form posts only its id); `authorization_codes` the
 * single-use codes (SHA-256 only), bound to client, redirect URI, PKCE challenge and nonce.
 */
export function identityAuthorizationCodesMigration(schema: string): new () => MigrationInterface {
  return class IdentityAuthorizationCodes1765000000002 implements MigrationInterface {
    name = 'IdentityAuthorizationCodes1765000000002';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".authorization_requests (
          id             TEXT PRIMARY KEY,
          client_id      TEXT NOT NULL,
          redirect_uri   TEXT NOT NULL,
          scope          TEXT NOT NULL,
          state          TEXT,
          nonce          TEXT,
          code_challenge TEXT NOT NULL,
          expires_at     TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE IF NOT EXISTS "${schema}".authorization_codes (
          code_hash      BYTEA PRIMARY KEY,
          client_id      TEXT NOT NULL,
          redirect_uri   TEXT NOT NULL,
          subject        TEXT NOT NULL,
          scope          TEXT NOT NULL,
          nonce          TEXT,
          code_challenge TEXT NOT NULL,
          auth_time      TIMESTAMPTZ NOT NULL,
          expires_at     TIMESTAMPTZ NOT NULL,
          used_at        TIMESTAMPTZ,
          session_id     UUID
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".authorization_codes, "${schema}".authorization_requests`);
    }
  };
}
