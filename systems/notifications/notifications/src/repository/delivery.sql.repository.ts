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
 * in `<schema>.delivery_dead_letters`. A round claims due rows one at a time with FOR UPDATE SKIP
 * LOCKED and records each outcome in the transaction that claimed it: a crash between the SMTP
 * answer and that commit re-sends that one e-mail (at-least-once), nothing else.
 */
export class DeliverySqlRepository implements DeliveryRepositoryPort {
  private readonly s: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.s = ident(schema);
  }

  async processDue(
    now: string,
    limit: number,
    work: (delivery: DueDelivery) => Promise<DeliveryOutcome>,
  ): Promise<number> {
    // One transaction per delivery: each outcome is committed as soon as it is known, so a crash
    // re-sends at most the one e-mail in flight, never those sent before it in the same round.
    // Each delivery at most once per round (a retry due at once waits for the next round).
    const claimed: string[] = [];
    while (claimed.length < limit) {
      const id = await this.processOne(now, claimed, work);
      if (id === undefined) break;
      claimed.push(id);
    }
    return claimed.length;
  }

  /**
   * Claims the next due delivery not in `skip`, lets `work` decide its outcome, records it and
   * commits; returns its id, or undefined when none is due.
   */
  private processOne(
    now: string,
    skip: readonly string[],
    work: (delivery: DueDelivery) => Promise<DeliveryOutcome>,
  ): Promise<string | undefined> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<DueRow>(
        `SELECT d.id AS delivery_id, d.attempts, n.id, n.recipient_id, n.category, n.title, n.body, n.link, n.data,
                n.read, n.archived, n.created_at, n.source_event_id, u.email, u.display_name
         FROM ${this.s}.deliveries d
         JOIN ${this.s}.notifications n ON n.id = d.notification_id
         LEFT JOIN ${this.s}.known_users u ON u.id = n.recipient_id
         WHERE d.status = 'pending' AND d.channel = 'email' AND d.next_attempt_at <= $1 AND d.id <> ALL($2::bigint[])
         ORDER BY d.next_attempt_at, d.id
         LIMIT 1
         FOR UPDATE OF d SKIP LOCKED`,
        [now, skip],
      );
      const row = rows[0];
      if (!row) return undefined;
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
      return row.delivery_id;
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
