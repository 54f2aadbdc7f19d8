import { ident, inTransaction } from '@archipelago/platform-event-store';
import type pg from 'pg';
import type { DeliveryOutcome } from '../entity/delivery/delivery.js';
import type { Notification } from '../entity/notification/notification.js';
import type { DeliveryQueuePort } from '../use-case/port/delivery.port.js';
import type { DueDelivery } from '../use-case/port/email.port.js';
import type { DuePushDelivery } from '../use-case/port/push.port.js';
import { type NotificationRow, toNotification } from './notification.rows.js';

/** Told of each committed delivery outcome: the channel and the outcome kind. */
export type DeliveryOutcomeObserver = (channel: 'email' | 'push', outcome: DeliveryOutcome['kind']) => void;

/** A channel's delivery queue whose committed outcomes can be observed (metrics). */
export interface ObservableDeliveryQueue<D> extends DeliveryQueuePort<D> {
  observe(observer: DeliveryOutcomeObserver): void;
}

/** The columns every due delivery row has: the delivery and its notification. */
interface BaseRow extends NotificationRow {
  delivery_id: string;
  attempts: number;
}

/** What a channel adds to the shared claim query: extra columns, joins, and the mapping of a row. */
interface ChannelSpec<Row extends BaseRow, D> {
  readonly channel: 'email' | 'push';
  /** Extra select list (leading comma), from the joins' aliases. */
  readonly columns: string;
  /** Extra LEFT JOINs, `${s}` = the quoted schema. */
  readonly joins: (s: string) => string;
  readonly toDue: (row: Row, notification: Notification) => D;
}

/**
 * One channel's deliveries in `<schema>.deliveries` and their dead letters in
 * `<schema>.delivery_dead_letters`. A round claims due rows of the channel one at a time with FOR
 * UPDATE SKIP LOCKED and records each outcome in the transaction that claimed it: a crash between
 * the destination's answer and that commit re-sends that one message (at-least-once), nothing else.
 * A `gone` outcome also deletes the delivery's push subscription.
 */
export class SqlDeliveryQueue<Row extends BaseRow, D> implements ObservableDeliveryQueue<D> {
  private readonly s: string;
  private readonly observers: DeliveryOutcomeObserver[] = [];

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
    private readonly spec: ChannelSpec<Row, D>,
  ) {
    this.s = ident(schema);
  }

  /**
   * Calls `observer` with the channel and the outcome kind (`sent`, `retry`, `dead`, `gone`) of
   * every delivery attempt once its outcome is committed (the delivery metrics).
   */
  observe(observer: DeliveryOutcomeObserver): void {
    this.observers.push(observer);
  }

  async processDue(now: string, limit: number, work: (delivery: D) => Promise<DeliveryOutcome>): Promise<number> {
    // One transaction per delivery: each outcome is committed as soon as it is known, so a crash
    // re-sends at most the one message in flight, never those sent before it in the same round.
    // Each delivery at most once per round (a retry due at once waits for the next round).
    const claimed: string[] = [];
    while (claimed.length < limit) {
      const done = await this.processOne(now, claimed, work);
      if (done === undefined) break;
      claimed.push(done.id);
      for (const observer of this.observers) observer(this.spec.channel, done.outcome);
    }
    return claimed.length;
  }

  /**
   * Claims the next due delivery of the channel not in `skip`, lets `work` decide its outcome,
   * records it and commits; returns its id and outcome kind, or undefined when none is due.
   */
  private processOne(
    now: string,
    skip: readonly string[],
    work: (delivery: D) => Promise<DeliveryOutcome>,
  ): Promise<{ id: string; outcome: DeliveryOutcome['kind'] } | undefined> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<Row>(
        `SELECT d.id AS delivery_id, d.attempts, n.id, n.recipient_id, n.category, n.title, n.body, n.link, n.data,
                n.read, n.archived, n.created_at, n.source_event_id${this.spec.columns}
         FROM ${this.s}.deliveries d
         JOIN ${this.s}.notifications n ON n.id = d.notification_id
         ${this.spec.joins(this.s)}
         WHERE d.status = 'pending' AND d.channel = $2 AND d.next_attempt_at <= $1 AND d.id <> ALL($3::bigint[])
         ORDER BY d.next_attempt_at, d.id
         LIMIT 1
         FOR UPDATE OF d SKIP LOCKED`,
        [now, this.spec.channel, skip],
      );
      const row = rows[0];
      if (!row) return undefined;
      const outcome = await work(this.spec.toDue(row, toNotification(row)));
      await this.record(client, row.delivery_id, outcome);
      return { id: row.delivery_id, outcome: outcome.kind };
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
      case 'gone':
        await client.query(
          `WITH ended AS (
             UPDATE ${this.s}.deliveries SET status = 'gone', attempts = $2, last_error = $3 WHERE id = $1
             RETURNING subscription_id)
           DELETE FROM ${this.s}.push_subscriptions WHERE id = (SELECT subscription_id FROM ended)`,
          [id, outcome.attempts, outcome.error],
        );
        return;
      case 'dead':
        await client.query(
          `UPDATE ${this.s}.deliveries SET status = 'dead', attempts = $2, last_error = $3 WHERE id = $1`,
          [id, outcome.attempts, outcome.error],
        );
        // A delivery retried by an operator (npm run dead-deliveries) that dies again updates its record.
        await client.query(
          `INSERT INTO ${this.s}.delivery_dead_letters (delivery_id, attempts, last_error) VALUES ($1, $2, $3)
           ON CONFLICT (delivery_id) DO UPDATE SET attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error, dead_at = now()`,
          [id, outcome.attempts, outcome.error],
        );
        return;
    }
  }
}

interface EmailRow extends BaseRow {
  email: string | null;
  display_name: string | null;
}

interface PushRow extends BaseRow {
  endpoint: string | null;
  p256dh: string | null;
  auth: string | null;
}

/** E-mail deliveries (channel `email`): the recipient's address from the users projection (or a `mailto:` recipient id). */
export function emailDeliveryQueue(pool: pg.Pool, schema: string): ObservableDeliveryQueue<DueDelivery> {
  return new SqlDeliveryQueue<EmailRow, DueDelivery>(pool, schema, {
    channel: 'email',
    // A recipient `mailto:<address>` has no account (an invitation): the address is the id's.
    columns: `, COALESCE(u.email, CASE WHEN n.recipient_id LIKE 'mailto:%' THEN substr(n.recipient_id, 8) END) AS email,
               u.display_name`,
    joins: (s) => `LEFT JOIN ${s}.known_users u ON u.id = n.recipient_id`,
    toDue: (row, notification) => ({
      id: row.delivery_id,
      attempts: row.attempts,
      email: row.email,
      displayName: row.display_name,
      notification,
    }),
  });
}

/** Push deliveries (channel `push`): one per notification × subscription, null once the subscription is deleted. */
export function pushDeliveryQueue(pool: pg.Pool, schema: string): ObservableDeliveryQueue<DuePushDelivery> {
  return new SqlDeliveryQueue<PushRow, DuePushDelivery>(pool, schema, {
    channel: 'push',
    columns: ', ps.endpoint, ps.p256dh, ps.auth',
    joins: (s) => `LEFT JOIN ${s}.push_subscriptions ps ON ps.id = d.subscription_id`,
    toDue: (row, notification) => ({
      id: row.delivery_id,
      attempts: row.attempts,
      notification,
      subscription:
        row.endpoint && row.p256dh && row.auth
          ? { endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } }
          : null,
    }),
  });
}
