import { NOTIFICATIONS_EVENTS } from '@archipelago/notifications-contracts';
import { REGISTRY_EVENTS } from '@archipelago/registry-contracts';
import type pg from 'pg';
import type { Notification } from '../entity/notification/notification.js';
import type { NotificationErasure } from '../entity/notification/entity-erasure.js';
import type { EntityErasureWork } from '../use-case/port/notification.repository.port.js';
import { COLUMNS, type NotificationRow, toNotification } from './notification.rows.js';

/**
 * First key of the entity erasure locks (`pg_advisory_xact_lock(int, int)`; the second key is a
 * hash of schema and entity id). The two-key space never meets the one-key (bigint) locks of the
 * platform (the outbox relay's).
 */
const ERASURE_LOCK_SPACE = 17_014;

/**
 * Takes the entity's erasure lock until the transaction ends. Both the erasure and every event
 * about the entity take it before reading the other's rows: without it, an invitation and the
 * deletion handled at the same moment (two topics, two partitions consumed concurrently) would
 * each miss the other's uncommitted rows, and the invitation would survive the erasure.
 */
async function lockEntity(client: pg.PoolClient, s: string, entityId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ERASURE_LOCK_SPACE, `${s}:${entityId}`]);
}

/**
 * Whether the entity's `EntityDeletedV1` was handled (its tombstone in `<schema>.deleted_entities`),
 * after taking the entity's erasure lock. `s` is the quoted schema.
 */
export async function isEntityDeleted(client: pg.PoolClient, s: string, entityId: string): Promise<boolean> {
  await lockEntity(client, s, entityId);
  const { rowCount } = await client.query(`SELECT 1 FROM ${s}.deleted_entities WHERE entity_id = $1`, [entityId]);
  return (rowCount ?? 0) > 0;
}

/**
 * {@link EntityErasureWork} on `client` (inside the inbox transaction of the `EntityDeletedV1`), in
 * the schema `s` (quoted). Indexes: `notifications_entity_idx` (notifications by `data.entityId`),
 * `outbox_address_recipient_idx` (`NotificationCreatedV1` rows keyed by an address), the dead
 * letters' full scan (a handful of rows, kept for operators).
 */
export function entityErasureWork(client: pg.PoolClient, s: string): EntityErasureWork {
  return {
    async markEntityDeleted(entityId, meta) {
      await lockEntity(client, s, entityId);
      await client.query(
        `INSERT INTO ${s}.deleted_entities (entity_id, deleted_at, source_event_id) VALUES ($1, $2, $3)
         ON CONFLICT (entity_id) DO NOTHING`,
        [entityId, meta.at, meta.sourceEventId],
      );
    },

    async notificationsAbout(entityId) {
      const { rows } = await client.query<NotificationRow>(
        `SELECT ${COLUMNS} FROM ${s}.notifications
         WHERE data ? 'entityId' AND data->>'entityId' = $1
         ORDER BY id FOR UPDATE`,
        [entityId],
      );
      return rows.map(toNotification);
    },

    async cancelDeliveries(notificationIds, reason) {
      if (notificationIds.length === 0) return 0;
      // Dead-letter records go for every delivery (one of a delivery retried and then sent stays as
      // history otherwise, with an error that may quote the address).
      const { rows } = await client.query<{ cancelled: number }>(
        `WITH ended AS (
           UPDATE ${s}.deliveries
           SET status = CASE WHEN status IN ('pending', 'dead') THEN 'cancelled' ELSE status END,
               last_error = CASE WHEN status IN ('pending', 'dead') THEN $2 WHEN status = 'cancelled' THEN last_error END
           WHERE notification_id = ANY($1::uuid[])
           RETURNING id, status),
         records AS (
           DELETE FROM ${s}.delivery_dead_letters WHERE delivery_id IN (SELECT id FROM ended))
         SELECT count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled FROM ended`,
        [notificationIds, reason],
      );
      return rows[0]?.cancelled ?? 0;
    },

    async eraseNotification(notification: Notification, erasure: NotificationErasure) {
      await client.query(
        `UPDATE ${s}.notifications SET recipient_id = $2, title = $3, body = $4, link = $5, data = $6 WHERE id = $1`,
        [notification.id, erasure.recipientId, erasure.title, erasure.body, erasure.link, JSON.stringify(erasure.data)],
      );
      const before = notification.recipientId;
      if (erasure.recipientId === before) return;
      // Only an address recipient (`mailto:`) is ever replaced: the partial index covers its rows.
      // Rows written since NotificationCreatedV1 carries `address:<id>` never match: this erases older ones.
      await client.query(
        `UPDATE ${s}.outbox
         SET message_key = $3, payload = jsonb_set(payload, '{recipientId}', to_jsonb($3::text))
         WHERE message_key = $2 AND message_key LIKE 'mailto:%' AND message_type = $4
           AND payload->>'notificationId' = $1`,
        [notification.id, before, erasure.recipientId, NOTIFICATIONS_EVENTS.NotificationCreatedV1.type],
      );
      // The old recipient's counter names the address too. Locked first: an insert for the same
      // address in flight holds it, and the next statement (a new snapshot) then sees that insert's
      // notification, so the counter stays while a notification of the address is left.
      await client.query(`SELECT 1 FROM ${s}.recipient_sequences WHERE recipient_id = $1 FOR UPDATE`, [before]);
      await client.query(
        `DELETE FROM ${s}.recipient_sequences r WHERE r.recipient_id = $1
         AND NOT EXISTS (SELECT 1 FROM ${s}.notifications n WHERE n.recipient_id = $1)`,
        [before],
      );
    },

    async forgetInvitationMessages(entityId) {
      const { rowCount } = await client.query(
        `DELETE FROM ${s}.dead_letters
         WHERE message_type = $1 AND (message_key = $2 OR payload->>'entityId' = $2)`,
        [REGISTRY_EVENTS.EntityInvitedV1.type, entityId],
      );
      return rowCount ?? 0;
    },
  };
}
