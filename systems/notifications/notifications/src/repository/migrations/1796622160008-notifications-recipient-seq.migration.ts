import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Commit order per recipient: `notifications.seq`, a per-recipient number taken from
 * `recipient_sequences` (one counter row per recipient, bumped by the inserting transaction, whose
 * row lock is held until that transaction ends). A recipient's inserts therefore commit in `seq`
 * order, which UUIDv7 ids (made in the inserting process, before any lock, on replicas whose clocks
 * differ) do not guarantee; list and replay order and filter by it. Existing rows are numbered in
 * id order, and each recipient's counter starts at its highest number.
 */
export function notificationsRecipientSeqMigration(schema: string): new () => MigrationInterface {
  return class NotificationsRecipientSeq1796622160008 implements MigrationInterface {
    name = 'NotificationsRecipientSeq1796622160008';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".recipient_sequences (
          recipient_id TEXT PRIMARY KEY,
          last_seq     BIGINT NOT NULL
        );
        ALTER TABLE "${schema}".notifications ADD COLUMN IF NOT EXISTS seq BIGINT;
        UPDATE "${schema}".notifications n SET seq = numbered.seq
          FROM (SELECT id, row_number() OVER (PARTITION BY recipient_id ORDER BY id) AS seq
                FROM "${schema}".notifications) numbered
          WHERE n.id = numbered.id AND n.seq IS NULL;
        INSERT INTO "${schema}".recipient_sequences (recipient_id, last_seq)
          SELECT recipient_id, max(seq) FROM "${schema}".notifications GROUP BY recipient_id
          ON CONFLICT (recipient_id) DO UPDATE SET last_seq = GREATEST(recipient_sequences.last_seq, EXCLUDED.last_seq);
        ALTER TABLE "${schema}".notifications ALTER COLUMN seq SET NOT NULL;
        CREATE UNIQUE INDEX IF NOT EXISTS notifications_recipient_seq_key ON "${schema}".notifications (recipient_id, seq);
        DROP INDEX IF EXISTS "${schema}".notifications_recipient_id_idx;`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE INDEX IF NOT EXISTS notifications_recipient_id_idx ON "${schema}".notifications (recipient_id, id DESC);
        DROP INDEX IF EXISTS "${schema}".notifications_recipient_seq_key;
        ALTER TABLE "${schema}".notifications DROP COLUMN IF EXISTS seq;
        DROP TABLE IF EXISTS "${schema}".recipient_sequences;`);
    }
  };
}
