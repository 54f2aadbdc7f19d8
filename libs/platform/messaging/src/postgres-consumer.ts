import type pg from 'pg';
import { ident } from '@archipelago/platform-event-store';
import { cloudEventHeaders, fromCloudEvent, type OutboxRow } from './cloudevents.js';
import type { MessageHandler, RetryPolicy, Subscription } from './message.types.js';
import { redeliverRequestedDeadLetters } from './dead-letters.js';
import { SpanKind } from '@archipelago/platform-telemetry';
import { inProcessSpan, inReplaySpan } from './messaging.tracing.js';
import { deliverWithRetry, describeError } from './retry.js';

/** Where a topic's messages live for the `postgres` transport: the publisher's outbox table. */
export interface OutboxSource {
  /** Pool on the publisher's database. */
  readonly pool: pg.Pool;
  /** The publisher's schema (its service name). */
  readonly schema: string;
  /** CloudEvents `source` of the publisher, e.g. `/commerce/catalog`. */
  readonly ceSource: string;
}

export interface PostgresSubscriptionOptions {
  /** Pool on the consumer's own database (checkpoints and dead letters live there). */
  readonly pool: pg.Pool;
  /** The consumer's schema. */
  readonly schema: string;
  readonly group: string;
  /** Topics per publisher outbox. */
  readonly sources: ReadonlyArray<{ source: OutboxSource; topics: readonly string[] }>;
  readonly handler: MessageHandler;
  readonly retry: RetryPolicy;
  /** Rows per read (default 200). */
  readonly batchSize?: number;
  /** Idle poll interval in ms (default 100). */
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * The `postgres` transport: a consumer group reads a publisher's outbox table as a log — the
 * single-machine stand-in for Kafka. Reads are in (transaction, position) order and stop below
 * the oldest running transaction, so no message committed late is skipped. The group's checkpoint
 * per source is kept in the consumer's `consumer_checkpoints`; a message that keeps failing is
 * written to the consumer's `dead_letters` table and the checkpoint moves past it.
 */
/** A postgres-transport subscription, which can also tell how far its group is behind. */
export interface PostgresSubscription extends Subscription {
  /**
   * Messages of the subscribed topics committed in each source outbox after the group's checkpoint
   * (what the group still has to read), per source (`<schema>.outbox`).
   */
  lag(): Promise<Array<{ readonly source: string; readonly messages: number }>>;
}

export function subscribePostgres(options: PostgresSubscriptionOptions): PostgresSubscription {
  let running = true;
  let wake: (() => void) | undefined;
  const own = ident(options.schema);

  // One SELECT per poll: the checkpoint row is created (INSERT … ON CONFLICT DO NOTHING) only when
  // the SELECT finds none — on the group's first poll of a source, or after an operator deleted
  // the row to make the group start over.
  const readCheckpoint = async (sourceKey: string) => {
    const { rows } = await options.pool.query<{ transaction_id: string; position: string }>(
      `SELECT transaction_id::text, position FROM ${own}.consumer_checkpoints WHERE consumer_group = $1 AND source = $2`,
      [options.group, sourceKey],
    );
    return rows[0];
  };
  const checkpointOf = async (sourceKey: string) => {
    const found = await readCheckpoint(sourceKey);
    if (found) return found;
    await options.pool.query(
      `INSERT INTO ${own}.consumer_checkpoints (consumer_group, source) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [options.group, sourceKey],
    );
    return (await readCheckpoint(sourceKey))!;
  };

  const pollSource = async (source: OutboxSource, topics: readonly string[]): Promise<number> => {
    const sourceKey = `${source.schema}.outbox`;
    const checkpoint = await checkpointOf(sourceKey);
    const { rows } = await source.pool.query<OutboxRow>(
      `SELECT position, transaction_id::text, message_id, topic, message_key, message_type, payload, headers, created_at
       FROM ${ident(source.schema)}.outbox
       WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         AND topic = ANY($3::text[])
       ORDER BY transaction_id, position
       LIMIT $4`,
      [checkpoint.transaction_id, checkpoint.position, topics, options.batchSize ?? 200],
    );
    for (const row of rows) {
      if (!running) break;
      const headers = cloudEventHeaders(row, source.ceSource);
      const message = fromCloudEvent(row.topic, row.message_key, headers, row.payload);
      const outcome = await inProcessSpan(message, options.group, 'archipelago.outbox', async (span) => {
        const result = await deliverWithRetry(options.handler, message, options.retry, () => !running);
        if (!result.ok) span.setAttribute('archipelago.dead_lettered', true);
        return result;
      });
      if (!outcome.ok) {
        if (!running) break;
        await options.pool.query(
          `INSERT INTO ${own}.dead_letters (consumer_group, topic, message_id, message_key, message_type, payload, headers, attempts, error)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            options.group,
            row.topic,
            row.message_id,
            row.message_key,
            row.message_type,
            JSON.stringify(row.payload),
            JSON.stringify(headers),
            outcome.attempts,
            describeError(outcome.error),
          ],
        );
      }
      await options.pool.query(
        `UPDATE ${own}.consumer_checkpoints SET transaction_id = $3::text::xid8, position = $4, updated_at = now()
         WHERE consumer_group = $1 AND source = $2`,
        [options.group, sourceKey, row.transaction_id, row.position],
      );
    }
    return rows.length;
  };

  const loop = (async () => {
    while (running) {
      let seen = 0;
      try {
        seen += await redeliverRequestedDeadLetters(options.pool, options.schema, options.group, (message) =>
          // A new trace, linked to the original delivery's.
          inReplaySpan(message, options.group, 'archipelago.outbox', SpanKind.CONSUMER, (replayed) =>
            deliverWithRetry(options.handler, replayed, options.retry, () => !running),
          ),
        );
      } catch (error) {
        options.onError?.(error);
      }
      for (const { source, topics } of options.sources) {
        try {
          seen += await pollSource(source, topics);
        } catch (error) {
          options.onError?.(error);
        }
      }
      if (seen === 0 && running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.pollIntervalMs ?? 100);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  })();

  return {
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
    async lag() {
      return Promise.all(
        options.sources.map(async ({ source, topics }) => {
          const sourceKey = `${source.schema}.outbox`;
          const checkpoint = (await readCheckpoint(sourceKey)) ?? { transaction_id: '0', position: '0' };
          const { rows } = await source.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM ${ident(source.schema)}.outbox
             WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint) AND topic = ANY($3::text[])`,
            [checkpoint.transaction_id, checkpoint.position, topics],
          );
          return { source: sourceKey, messages: rows[0]?.n ?? 0 };
        }),
      );
    },
  };
}
