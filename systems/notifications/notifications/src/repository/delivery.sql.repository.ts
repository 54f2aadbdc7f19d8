import { ident, inTransaction } from '@archipelago/platform-event-store';
import type pg from 'pg';
import type { NotificationCategory } from '../entity/notification/notification.js';
import type { DeliveryOutcome, DeliveryRepositoryPort, DueDelivery } from '../use-case/port/email.port.js';

interface DueRow {
  delivery_id: string;
  attempts: number;
  id: string;
  recipient_id: string;
  category: string;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
  read: boolean;
  archived: boolean;
  created_at: Date;
  source_event_id: string;
  email: string | null;
  display_name: string | null;
}

/**
 * E-mail deliveries in `<schema>.deliveries` (one per notification × channel) and their dead letters
 * in `<schema>.delivery_dead_letters`. A round claims due rows with FOR UPDATE SKIP LOCKED and
 * records every outcome in the same transaction (a crash mid-round leaves them pending: at-least-once).
 */
export class DeliverySqlRepository implements DeliveryRepositoryPort {
  private readonly s: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.s = ident(schema);
  }

  processDue(now: string, limit: number, work: (delivery: DueDelivery) => Promise<DeliveryOutcome>): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<DueRow>(
        `SELECT d.id AS delivery_id, d.attempts, n.id, n.recipient_id, n.category, n.title, n.body, n.link, n.data,
                n.read, n.archived, n.created_at, n.source_event_id,
                COALESCE(u.email, CASE WHEN n.recipient_id LIKE 'mailto:%' THEN substr(n.recipient_id, 8) END) AS email,
                u.display_name
         FROM ${this.s}.deliveries d
         JOIN ${this.s}.notifications n ON n.id = d.notification_id
         LEFT JOIN ${this.s}.known_users u ON u.id = n.recipient_id
         WHERE d.status = 'pending' AND d.channel = 'email' AND d.next_attempt_at <= $1
         ORDER BY d.next_attempt_at, d.id
         LIMIT $2
         FOR UPDATE OF d SKIP LOCKED`,
        [now, limit],
      );
      for (const row of rows) {
        const outcome = await work({
          id: row.delivery_id,
          attempts: row.attempts,
          email: row.email,
          displayName: row.display_name,
          notification: {
            id: row.id,
            recipientId: row.recipient_id,
            category: row.category as NotificationCategory,
            title: row.title,
            body: row.body,
            link: row.link,
            data: row.data,
            read: row.read,
            archived: row.archived,
            createdAt: row.created_at.toISOString(),
            sourceEventId: row.source_event_id,
          },
        });
        await this.record(client, row.delivery_id, outcome);
      }
      return rows.length;
    });
  }

  private async record(client: pg.PoolClient, id: string, outcome: DeliveryOutcome): Promise<void> {
    switch (outcome.kind) {
      case 'sent':
        await client.query(
          `UPDATE ${this.s}.deliveries SET status = 'sent', attempts = attempts + 1, sent_at = $2, last_error = NULL WHERE id = $1`,
          [id, outcome.at],
        );
        return;
      case 'retry':
        await client.query(
          `UPDATE ${this.s}.deliveries SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1`,
          [id, outcome.attempts, outcome.nextAttemptAt, outcome.error],
        );
        return;
      case 'dead':
        await client.query(
          `UPDATE ${this.s}.deliveries SET status = 'dead', attempts = $2, last_error = $3 WHERE id = $1`,
          [id, outcome.attempts, outcome.error],
        );
        await client.query(
          `INSERT INTO ${this.s}.delivery_dead_letters (delivery_id, attempts, last_error) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [id, outcome.attempts, outcome.error],
        );
        return;
    }
  }
}
