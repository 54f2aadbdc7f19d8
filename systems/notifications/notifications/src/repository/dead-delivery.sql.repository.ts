import { ident } from '@archipelago/platform-event-store';
import type pg from 'pg';
import type {
  DeadDeliveriesPort,
  DeadDelivery,
  DeadDeliveryFilter,
  DeliveryChannel,
} from '../use-case/port/delivery.port.js';

interface DeadRow {
  id: string;
  channel: DeliveryChannel;
  notification_id: string;
  recipient_id: string;
  category: string;
  attempts: number;
  last_error: string;
  dead_at: Date;
}

/** How many deliveries of a channel are in a status (the `notifications_deliveries` gauge). */
export interface DeliveryStatusCount {
  readonly channel: string;
  readonly status: 'pending' | 'dead';
  readonly count: number;
}

/**
 * Dead deliveries in `<schema>.deliveries` (status `dead`) with their `delivery_dead_letters`
 * record. A retried delivery goes back to `pending`; its dead-letter record stays (updated if it
 * dies again), so the list shows only deliveries that are dead now.
 */
export class DeadDeliverySqlRepository implements DeadDeliveriesPort {
  private readonly s: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.s = ident(schema);
  }

  async list(filter: DeadDeliveryFilter, limit: number): Promise<DeadDelivery[]> {
    const { rows } = await this.pool.query<DeadRow>(
      `SELECT d.id, d.channel, d.notification_id, n.recipient_id, n.category, dl.attempts, dl.last_error, dl.dead_at
       FROM ${this.s}.delivery_dead_letters dl
       JOIN ${this.s}.deliveries d ON d.id = dl.delivery_id
       JOIN ${this.s}.notifications n ON n.id = d.notification_id
       WHERE d.status = 'dead' AND ($1::text IS NULL OR d.channel = $1) AND ($2::bigint[] IS NULL OR d.id = ANY($2))
       ORDER BY dl.dead_at, d.id
       LIMIT $3`,
      [filter.channel ?? null, filter.ids ?? null, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      notificationId: r.notification_id,
      recipientId: r.recipient_id,
      category: r.category,
      attempts: r.attempts,
      lastError: r.last_error,
      deadAt: r.dead_at.toISOString(),
    }));
  }

  async retry(filter: DeadDeliveryFilter, now: string): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.s}.deliveries SET status = 'pending', attempts = 0, next_attempt_at = $3
       WHERE status = 'dead' AND ($1::text IS NULL OR channel = $1) AND ($2::bigint[] IS NULL OR id = ANY($2))`,
      [filter.channel ?? null, filter.ids ?? null, now],
    );
    return rowCount ?? 0;
  }

  /** Pending and dead deliveries per channel (both sets stay small: the index of due rows, the dead letters). */
  async countByStatus(): Promise<DeliveryStatusCount[]> {
    const { rows } = await this.pool.query<DeliveryStatusCount>(
      `SELECT channel, 'pending' AS status, count(*)::int AS count FROM ${this.s}.deliveries WHERE status = 'pending' GROUP BY channel
       UNION ALL
       SELECT d.channel, 'dead', count(*)::int FROM ${this.s}.delivery_dead_letters dl
         JOIN ${this.s}.deliveries d ON d.id = dl.delivery_id WHERE d.status = 'dead' GROUP BY d.channel`,
    );
    return rows;
  }
}
