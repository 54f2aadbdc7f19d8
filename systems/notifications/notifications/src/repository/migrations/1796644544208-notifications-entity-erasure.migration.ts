import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure of a deleted registry entity (EntityDeletedV1): `deleted_entities`, the tombstones of the
 * entities whose deletion was handled (a later invitation of one is dropped); the `cancelled`
 * delivery status (never sent, never retried); `notifications_entity_idx` (the notifications about
 * an entity, by `data.entityId`); `outbox_address_recipient_idx` (the NotificationCreatedV1 rows of
 * an address recipient, whose key and payload lose the address).
 */
export function notificationsEntityErasureMigration(schema: string): new () => MigrationInterface {
  return class NotificationsEntityErasure1796644544208 implements MigrationInterface {
    name = 'NotificationsEntityErasure1796644544208';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".deleted_entities (
          entity_id       TEXT PRIMARY KEY,
          deleted_at      TIMESTAMPTZ NOT NULL,
          source_event_id TEXT NOT NULL
        );
        ALTER TABLE "${schema}".deliveries DROP CONSTRAINT IF EXISTS deliveries_status_check;
        ALTER TABLE "${schema}".deliveries ADD CONSTRAINT deliveries_status_check
          CHECK (status IN ('pending', 'sent', 'dead', 'gone', 'cancelled'));
        CREATE INDEX IF NOT EXISTS notifications_entity_idx
          ON "${schema}".notifications ((data->>'entityId')) WHERE data ? 'entityId';
        CREATE INDEX IF NOT EXISTS outbox_address_recipient_idx
          ON "${schema}".outbox (message_key) WHERE message_key LIKE 'mailto:%';`);
    }

    async down(runner: QueryRunner): Promise<void> {
      // A cancelled delivery must stay unsent: `gone` (ended, never retried) is the closest old status.
      await runner.query(`
        DROP INDEX IF EXISTS "${schema}".outbox_address_recipient_idx;
        DROP INDEX IF EXISTS "${schema}".notifications_entity_idx;
        UPDATE "${schema}".deliveries SET status = 'gone' WHERE status = 'cancelled';
        ALTER TABLE "${schema}".deliveries DROP CONSTRAINT IF EXISTS deliveries_status_check;
        ALTER TABLE "${schema}".deliveries ADD CONSTRAINT deliveries_status_check
          CHECK (status IN ('pending', 'sent', 'dead', 'gone'));
        DROP TABLE IF EXISTS "${schema}".deleted_entities;`);
    }
  };
}
