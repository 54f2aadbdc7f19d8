import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-user feed tokens of workspace calendars: the SHA-256 (hex) of each, never the token. */
export function calendarFeedTokensMigration(schema: string): new () => MigrationInterface {
  return class CalendarFeedTokens1796700000001 implements MigrationInterface {
    name = 'CalendarFeedTokens1796700000001';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".feed_tokens (
          workspace_id TEXT NOT NULL,
          user_id      TEXT NOT NULL,
          token_hash   TEXT NOT NULL UNIQUE,
          created_at   TIMESTAMPTZ NOT NULL,
          PRIMARY KEY (workspace_id, user_id)
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".feed_tokens`);
    }
  };
}
