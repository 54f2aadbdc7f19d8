import { ident, inTransaction } from '@archipelago/platform-event-store';
import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { PushSubscription } from '../entity/push/push-subscription.js';
import type { PushSubscriptionRepositoryPort, PushTarget } from '../use-case/port/push.port.js';

interface SubscriptionRow {
  id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: Date;
}

const COLUMNS = 'id, user_id, endpoint, p256dh, auth, created_at';

function toSubscription(row: SubscriptionRow): PushSubscription {
  return {
    id: row.id,
    userId: row.user_id,
    endpoint: row.endpoint,
    keys: { p256dh: row.p256dh, auth: row.auth },
    createdAt: row.created_at.toISOString(),
  };
}

/** Push subscriptions in `<schema>.push_subscriptions`, unique per endpoint. */
export class PushSubscriptionSqlRepository implements PushSubscriptionRepositoryPort {
  private readonly s: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.s = ident(schema);
  }

  subscribe(
    userId: string,
    target: PushTarget,
    now: string,
    keep: number,
  ): Promise<{ subscription: PushSubscription; created: boolean }> {
    return inTransaction(this.pool, (client) => this.upsert(client, userId, target, now, keep));
  }

  private async upsert(
    client: pg.PoolClient,
    userId: string,
    target: PushTarget,
    now: string,
    keep: number,
  ): Promise<{ subscription: PushSubscription; created: boolean }> {
    const id = uuidv7();
    // One statement: the same user's endpoint keeps its id and creation time (keys refreshed);
    // another user's is taken over under a new id (the device changed hands).
    const { rows } = await client.query<SubscriptionRow>(
      `INSERT INTO ${this.s}.push_subscriptions AS ps (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (endpoint) DO UPDATE SET
         id = CASE WHEN ps.user_id = EXCLUDED.user_id THEN ps.id ELSE EXCLUDED.id END,
         created_at = CASE WHEN ps.user_id = EXCLUDED.user_id THEN ps.created_at ELSE EXCLUDED.created_at END,
         user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth
       RETURNING ${COLUMNS}`,
      [id, userId, target.endpoint, target.keys.p256dh, target.keys.auth, now],
    );
    const row = rows[0]!;
    await client.query(
      `DELETE FROM ${this.s}.push_subscriptions WHERE user_id = $1 AND id NOT IN
         (SELECT id FROM ${this.s}.push_subscriptions WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2)`,
      [userId, keep],
    );
    return { subscription: toSubscription(row), created: row.id === id };
  }

  async list(userId: string): Promise<PushSubscription[]> {
    const { rows } = await this.pool.query<SubscriptionRow>(
      `SELECT ${COLUMNS} FROM ${this.s}.push_subscriptions WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
    return rows.map(toSubscription);
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM ${this.s}.push_subscriptions WHERE id = $1 AND user_id = $2`,
      [id, userId],
    );
    return (rowCount ?? 0) > 0;
  }
}
