import { NOTIFICATIONS_EVENTS } from '@archipelago/notifications-contracts';
import { ident, inTransaction } from '@archipelago/platform-event-store';
import type { Outbox } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type {
  Notification,
  NotificationCategory,
  NotificationChannel,
  NotificationDraft,
  Preferences,
} from '../entity/notification/notification.js';
import { publishedRecipientId } from '../entity/notification/source-fact.js';
import { entityErasureWork, isEntityDeleted } from './entity-erasure.sql.repository.js';
import { COLUMNS, type NotificationRow, toNotification } from './notification.rows.js';
import type {
  EntityErasureWork,
  KnownUser,
  NotificationPage,
  NotificationRepositoryPort,
  NotificationStatus,
  NotificationWork,
} from '../use-case/port/notification.repository.port.js';
import type { StreamSignal } from '../use-case/port/stream.port.js';

/** Consumer group of the service's integration-event consumer (and key of its inbox rows). */
export const NOTIFICATIONS_CONSUMER_GROUP = 'notifications.notifications';

/** Postgres LISTEN/NOTIFY channel of a schema's live-stream signals (payload: {@link StreamSignal} as JSON). */
export function streamChannel(schema: string): string {
  return `${schema}_stream`;
}

const STATUS_FILTER: Record<NotificationStatus | 'all', string> = {
  unread: 'AND NOT read AND NOT archived',
  read: 'AND read AND NOT archived',
  archived: 'AND archived',
  all: 'AND NOT archived',
};

/**
 * Notifications, their projections and preferences in the service's schema, in plain SQL.
 * Notification ids come from `newId` (default UUIDv7); the order of a recipient's notifications is
 * their `seq` (commit order, see {@link NotificationSqlRepository.list}), not their ids.
 */
export class NotificationSqlRepository implements NotificationRepositoryPort {
  private readonly s: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly outbox: Outbox,
    private readonly newId: () => string = uuidv7,
  ) {
    this.s = ident(schema);
  }

  handleOnce(event: { id: string; topic: string }, work: (tx: NotificationWork) => Promise<void>): Promise<boolean> {
    return this.once(event, (client) => work(this.work(client)));
  }

  eraseOnce(event: { id: string; topic: string }, work: (tx: EntityErasureWork) => Promise<void>): Promise<boolean> {
    return this.once(event, (client) => work(entityErasureWork(client, this.s)));
  }

  /** Runs `work` in one transaction with the inbox record of the event; false when it was handled before. */
  private once(event: { id: string; topic: string }, work: (client: pg.PoolClient) => Promise<void>): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `INSERT INTO ${this.s}.inbox (consumer_group, message_id, topic) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [NOTIFICATIONS_CONSUMER_GROUP, event.id, event.topic],
      );
      if (rowCount === 0) return false;
      await work(client);
      return true;
    });
  }

  private work(client: pg.PoolClient): NotificationWork {
    const s = this.s;
    const channel = streamChannel(this.schema);
    const outbox = this.outbox;
    const newId = this.newId;
    return {
      async upsertUser(user: KnownUser) {
        await client.query(
          `INSERT INTO ${s}.known_users (id, email, display_name, roles) VALUES ($1, $2, $3, COALESCE($4::text[], '{}'))
           ON CONFLICT (id) DO UPDATE SET email = COALESCE($2, known_users.email),
             display_name = COALESCE($3, known_users.display_name), roles = COALESCE($4::text[], known_users.roles)`,
          [user.id, user.email ?? null, user.displayName ?? null, user.roles ? [...user.roles] : null],
        );
      },
      async recordOrder(orderId, customerId) {
        await client.query(
          `INSERT INTO ${s}.known_orders (order_id, customer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
          [orderId, customerId],
        );
      },
      async orderCustomer(orderId) {
        const { rows } = await client.query<{ customer_id: string }>(
          `SELECT customer_id FROM ${s}.known_orders WHERE order_id = $1`,
          [orderId],
        );
        return rows[0]?.customer_id ?? null;
      },
      async usersWithAnyRole(roles) {
        const { rows } = await client.query<{ id: string }>(
          `SELECT id FROM ${s}.known_users WHERE roles && $1::text[] ORDER BY id`,
          [[...roles]],
        );
        return rows.map((r) => r.id);
      },
      async userWithEmail(email) {
        const { rows } = await client.query<{ id: string }>(
          `SELECT id FROM ${s}.known_users WHERE lower(email) = lower($1) ORDER BY id LIMIT 1`,
          [email.trim()],
        );
        return rows[0]?.id ?? null;
      },
      preferencesOf: (userId) => preferencesOf(client, s, userId),
      entityDeleted: (entityId) => isEntityDeleted(client, s, entityId),
      async addNotification(draft: NotificationDraft, meta) {
        // The recipient's counter row stays locked until this transaction ends, so the recipient's
        // notifications commit in `seq` order (a duplicate skipped below leaves a gap, harmless).
        const { rows } = await client.query<NotificationRow>(
          `WITH counter AS (
             INSERT INTO ${s}.recipient_sequences AS r (recipient_id, last_seq) VALUES ($2, 1)
             ON CONFLICT (recipient_id) DO UPDATE SET last_seq = r.last_seq + 1
             RETURNING last_seq
           )
           INSERT INTO ${s}.notifications (id, seq, recipient_id, category, title, body, link, data, visible, created_at, source_event_id)
           SELECT $1, counter.last_seq, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM counter
           ON CONFLICT ON CONSTRAINT notifications_source_recipient_key DO NOTHING
           RETURNING ${COLUMNS}`,
          [
            newId(),
            draft.recipientId,
            draft.category,
            draft.title,
            draft.body,
            draft.link,
            JSON.stringify(draft.data),
            meta.visible,
            meta.createdAt,
            meta.sourceEventId,
          ],
        );
        const row = rows[0];
        if (!row) return null;
        const notification = toNotification(row);
        const published = publishedRecipientId(notification.recipientId, notification.id);
        await outbox.add(client, [
          {
            topic: NOTIFICATIONS_EVENTS.NotificationCreatedV1.topic,
            type: NOTIFICATIONS_EVENTS.NotificationCreatedV1.type,
            key: published,
            payload: {
              notificationId: notification.id,
              recipientId: published,
              category: notification.category,
              sourceEventId: notification.sourceEventId,
              occurredAt: notification.createdAt,
            },
          },
        ]);
        if (meta.visible) {
          const signal: StreamSignal = { t: 'n', id: notification.id, user: notification.recipientId };
          await client.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(signal)]);
        }
        return notification;
      },
      async addDelivery(notificationId, deliveryChannel) {
        if (deliveryChannel === 'push') {
          // One delivery per subscription the recipient has now (none: nothing queued).
          await client.query(
            `INSERT INTO ${s}.deliveries (notification_id, channel, subscription_id)
             SELECT n.id, 'push', ps.id FROM ${s}.notifications n
             JOIN ${s}.push_subscriptions ps ON ps.user_id = n.recipient_id
             WHERE n.id = $1
             ON CONFLICT DO NOTHING`,
            [notificationId],
          );
          return;
        }
        await client.query(
          `INSERT INTO ${s}.deliveries (notification_id, channel) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
          [notificationId, deliveryChannel],
        );
      },
    };
  }

  /**
   * Newest first by `seq` (the recipient's commit order): `after` and `cursor` are ids resolved to
   * their `seq`, so a notification that commits after a newer-id one is still "after" it.
   */
  async list(
    userId: string,
    query: { status?: NotificationStatus; after?: string; cursor?: string; limit: number },
  ): Promise<NotificationPage> {
    const { rows } = await this.pool.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM ${this.s}.notifications
       WHERE recipient_id = $1 AND visible ${STATUS_FILTER[query.status ?? 'all']}
         AND ($2::uuid IS NULL OR seq > ${this.seqOf('$2', 0)})
         AND ($3::uuid IS NULL OR seq < ${this.seqOf('$3', 1)})
       ORDER BY seq DESC LIMIT $4`,
      [userId, query.after ?? null, query.cursor ?? null, query.limit + 1],
    );
    const items = rows.slice(0, query.limit).map(toNotification);
    return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null };
  }

  /**
   * SQL for the `seq` of the user's (`$1`) notification `param`, visible or not. An id the user has
   * no notification for (another user's, or made up) falls back to its place in time: the highest
   * `seq` among the user's notifications with a smaller id (UUIDv7 ids sort by creation time; 0
   * when none) plus `unknownOffset` (0 for `after`: newer than those; 1 for `cursor`: those and
   * older).
   */
  private seqOf(param: string, unknownOffset: 0 | 1): string {
    return `COALESCE(
      (SELECT seq FROM ${this.s}.notifications WHERE recipient_id = $1 AND id = ${param}::uuid),
      (SELECT COALESCE(max(seq), 0) + ${unknownOffset} FROM ${this.s}.notifications
        WHERE recipient_id = $1 AND id < ${param}::uuid))`;
  }

  async unreadCount(userId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${this.s}.notifications WHERE recipient_id = $1 AND visible AND NOT read AND NOT archived`,
      [userId],
    );
    return rows[0]!.n;
  }

  async get(userId: string, id: string): Promise<Notification | null> {
    const { rows } = await this.pool.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM ${this.s}.notifications WHERE id = $1 AND recipient_id = $2 AND visible`,
      [id, userId],
    );
    return rows[0] ? toNotification(rows[0]) : null;
  }

  async update(
    userId: string,
    id: string,
    patch: { read?: boolean; archived?: boolean },
  ): Promise<Notification | null> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<NotificationRow & { changed: boolean }>(
        `WITH before AS (SELECT read, archived FROM ${this.s}.notifications WHERE id = $1 AND recipient_id = $2 AND visible FOR UPDATE)
         UPDATE ${this.s}.notifications n SET read = COALESCE($3, n.read), archived = COALESCE($4, n.archived)
         FROM before WHERE n.id = $1
         RETURNING ${COLUMNS.split(', ')
           .map((c) => `n.${c}`)
           .join(
             ', ',
           )}, (before.read IS DISTINCT FROM n.read OR before.archived IS DISTINCT FROM n.archived) AS changed`,
        [id, userId, patch.read ?? null, patch.archived ?? null],
      );
      const row = rows[0];
      if (!row) return null;
      if (row.changed) await this.signal(client, { t: 'r', id, user: userId });
      return toNotification(row);
    });
  }

  async readAll(userId: string): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `UPDATE ${this.s}.notifications SET read = true WHERE recipient_id = $1 AND visible AND NOT read RETURNING id`,
        [userId],
      );
      for (const { id } of rows) await this.signal(client, { t: 'r', id, user: userId });
      return rows.length;
    });
  }

  preferences(userId: string): Promise<Preferences> {
    return preferencesOf(this.pool, this.s, userId);
  }

  async savePreferences(
    userId: string,
    changes: Partial<Record<NotificationCategory, Partial<Record<NotificationChannel, boolean>>>>,
  ): Promise<void> {
    const entries = Object.entries(changes).flatMap(([category, row]) =>
      Object.entries(row ?? {}).map(([channel, enabled]) => ({ category, channel, enabled: !!enabled })),
    );
    if (entries.length === 0) return;
    await this.pool.query(
      `INSERT INTO ${this.s}.preferences (user_id, category, channel, enabled)
       SELECT $1, c, ch, e FROM unnest($2::text[], $3::text[], $4::boolean[]) AS x(c, ch, e)
       ON CONFLICT (user_id, category, channel) DO UPDATE SET enabled = EXCLUDED.enabled`,
      [userId, entries.map((e) => e.category), entries.map((e) => e.channel), entries.map((e) => e.enabled)],
    );
  }

  private async signal(client: pg.PoolClient, signal: StreamSignal): Promise<void> {
    await client.query('SELECT pg_notify($1, $2)', [streamChannel(this.schema), JSON.stringify(signal)]);
  }
}

async function preferencesOf(db: pg.Pool | pg.PoolClient, s: string, userId: string): Promise<Preferences> {
  const { rows } = await db.query<{ category: NotificationCategory; channel: NotificationChannel; enabled: boolean }>(
    `SELECT category, channel, enabled FROM ${s}.preferences WHERE user_id = $1`,
    [userId],
  );
  const out: Partial<Record<NotificationCategory, Partial<Record<NotificationChannel, boolean>>>> = {};
  for (const r of rows) (out[r.category] ??= {})[r.channel] = r.enabled;
  return out;
}
