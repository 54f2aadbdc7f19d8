import type { Producer } from 'kafkajs';
import type pg from 'pg';
import { ident } from '@archipelago/platform-event-store';
import { ROOT_CONTEXT, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  contextFromTraceparent,
  DomainAttributes,
  MessagingAttributes,
  platformTracer,
  SpanKind,
  traceparentOf,
} from '@archipelago/platform-telemetry';
import { cloudEventHeaders, type OutboxRow } from './cloudevents.js';
import { DEFAULT_RETRY, type RetryPolicy } from './message.types.js';
import { describeError } from './retry.js';

export interface OutboxRelayOptions {
  /** Rows per batch (default 200). */
  batchSize?: number;
  /** Idle poll interval in ms (default 100). LISTEN/NOTIFY only wakes it earlier. */
  pollIntervalMs?: number;
  /** Backoff of rows whose publish failed. */
  retry?: Partial<RetryPolicy>;
  /** CloudEvents `source` of this service, e.g. `/commerce/catalog`. */
  source: string;
  /** Channel to LISTEN on for wake-ups (see `outboxChannel`). */
  notifyChannel?: string;
  onError?: (error: unknown) => void;
  /** Called after each published batch with commit-to-publish latencies in ms. */
  onPublished?: (latenciesMs: number[]) => void;
  /** Called when a batch could not be sent (before the rows are deferred). */
  onSendFailure?: (error: unknown) => void;
}

/**
 * The PRODUCER ("send") span of one outbox row (OpenTelemetry messaging semantic conventions), a
 * child of the `traceparent` stored on the row (the "create" span of the writer's transaction).
 */
function sendSpan(row: OutboxRow, batchSize: number): Span {
  return platformTracer().startSpan(
    `send ${row.topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [MessagingAttributes.system]: 'kafka',
        [MessagingAttributes.operationType]: 'send',
        [MessagingAttributes.operationName]: 'send',
        [MessagingAttributes.destination]: row.topic,
        [MessagingAttributes.messageId]: row.message_id,
        [MessagingAttributes.kafkaKey]: row.message_key,
        [MessagingAttributes.batchCount]: batchSize,
        [DomainAttributes.aggregateId]: row.message_key,
        [DomainAttributes.eventType]: row.message_type,
        ...(row.headers['x-correlation-id'] ? { [DomainAttributes.correlationId]: row.headers['x-correlation-id'] } : {}),
      },
    },
    contextFromTraceparent(row.headers.traceparent),
  );
}

/**
 * `producer.sendBatch` without the kafkajs instrumentation's wrapper: that wrapper starts every
 * message's span from the one active context and overwrites its `traceparent`, which would put a
 * mixed batch into one trace. Its original is kept on the wrapper as `__original` (shimmer).
 */
function uninstrumented(producer: Producer): Producer['sendBatch'] {
  const wrapped = producer.sendBatch as Producer['sendBatch'] & { __original?: Producer['sendBatch'] };
  return wrapped.__original ?? wrapped;
}

/** An unpublished outbox row and whether its backoff (after a failed send) is over. */
export interface PendingOutboxRow extends OutboxRow {
  /** `next_attempt_at <= now()`: never failed, or its backoff has run out. */
  readonly due: boolean;
}

/**
 * The rows of `pending` (unpublished, in position order) to publish now, in that order: the due
 * ones, except those with a (topic, key) of an earlier row still waiting out its backoff. A row
 * whose send failed thus holds back every later row of its key until it is published itself, so
 * consumers, which rely on Kafka's per-partition order (one key, one partition), get a key's
 * messages in the order they were written — also after a broker outage, when failed rows have
 * different backoffs (an order confirmed would otherwise overtake the order placed it follows).
 * Rows of other keys are not held back.
 */
export function publishableInOrder<R extends PendingOutboxRow>(pending: readonly R[]): R[] {
  const held = new Set<string>();
  return pending.filter((row) => {
    const key = JSON.stringify([row.topic, row.message_key]);
    if (held.has(key)) return false;
    if (row.due) return true;
    held.add(key);
    return false;
  });
}

/**
 * Outbox relay for the `kafka` transport: publishes unpublished rows in position order, one key's
 * rows never out of order (see {@link publishableInOrder}), sends them as one Kafka batch
 * (idempotent producer, acks=all), marks them published and commits. One relay of an outbox
 * publishes at a time (a transaction-level advisory lock per schema): replicas each run a relay,
 * and two relays sending disjoint batches side by side could put a key's later row into Kafka
 * before its earlier one. A failed send leaves the rows unpublished with a backoff: publish is
 * at-least-once.
 */
export class OutboxKafkaRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A wake-up that came while a batch was in flight: the next wait returns at once. */
  private woken = false;
  private listener: pg.PoolClient | undefined;
  private readonly table: string;
  private readonly schema: string;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
    /** The producer, or a function giving the current one (so a broken producer can be replaced). */
    private readonly producer: Producer | (() => Promise<Producer>),
    private readonly options: OutboxRelayOptions,
  ) {
    this.table = `${ident(schema)}.outbox`;
    this.schema = schema;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /**
   * Publishes at most one batch; returns the number of rows published (0 also while another relay
   * of the outbox is publishing, or while every pending row waits for its backoff or behind one).
   */
  async relayOnce(): Promise<number> {
    const client = await this.pool.connect();
    let rows: OutboxRow[] = [];
    try {
      await client.query('BEGIN');
      // Two int4 keys: a space apart from single-bigint advisory locks; released at COMMIT/ROLLBACK.
      const { rows: lock } = await client.query<{ ok: boolean }>(
        `SELECT pg_try_advisory_xact_lock(hashtext('archipelago.outbox-relay'), hashtext($1)) AS ok`,
        [this.schema],
      );
      if (!lock[0]?.ok) {
        await client.query('COMMIT');
        return 0;
      }
      const { rows: pending } = await client.query<PendingOutboxRow>(
        `SELECT position, message_id, topic, message_key, message_type, payload, headers, created_at,
                next_attempt_at <= now() AS due
         FROM ${this.table}
         WHERE published_at IS NULL
         ORDER BY position
         LIMIT $1
         FOR UPDATE`,
        [this.options.batchSize ?? 200],
      );
      rows = publishableInOrder(pending);
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const byTopic = new Map<string, OutboxRow[]>();
      for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
      const producer = typeof this.producer === 'function' ? await this.producer() : this.producer;
      // One PRODUCER span per row, child of the context stored on the row (see sendSpan), so each
      // message's send belongs to the trace that wrote it even when the batch mixes traces.
      const spans = new Map(rows.map((row) => [row.position, sendSpan(row, rows.length)]));
      try {
        await uninstrumented(producer).call(producer, {
          acks: -1,
          topicMessages: [...byTopic].map(([topic, topicRows]) => ({
            topic,
            messages: topicRows.map((row) => {
              const traceparent = traceparentOf(trace.setSpan(ROOT_CONTEXT, spans.get(row.position)!));
              return {
                key: row.message_key,
                value: JSON.stringify(row.payload),
                headers: { ...cloudEventHeaders(row, this.options.source), ...(traceparent ? { traceparent } : {}) },
              };
            }),
          })),
        });
      } catch (error) {
        for (const span of spans.values()) span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
        throw error;
      } finally {
        for (const span of spans.values()) span.end();
      }
      await client.query(`UPDATE ${this.table} SET published_at = now(), attempts = attempts + 1 WHERE position = ANY($1::bigint[])`, [
        rows.map((r) => r.position),
      ]);
      await client.query('COMMIT');
      const now = Date.now();
      this.options.onPublished?.(rows.map((r) => now - new Date(r.created_at).getTime()));
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (rows.length > 0) {
        this.options.onSendFailure?.(error);
        await this.deferRows(rows, error);
      }
      throw error;
    } finally {
      client.release();
    }
  }

  /** Starts relaying in the background until `stop()`. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.options.notifyChannel) {
      this.listener = await this.pool.connect();
      this.listener.on('notification', () => this.poke());
      await this.listener.query(`LISTEN ${ident(this.options.notifyChannel)}`);
    }
    this.loop = this.poll();
  }

  /** Asks a started relay to look for new rows now (e.g. right after a writer committed). */
  poke(): void {
    if (this.wake) this.wake();
    else this.woken = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.listener) {
      await this.listener.query('UNLISTEN *').catch(() => undefined);
      this.listener.release();
      this.listener = undefined;
    }
  }

  /** Number of rows waiting to be published. */
  async pending(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.table} WHERE published_at IS NULL`);
    return Number(rows[0]!.n);
  }

  /** Leaves failed rows unpublished and pushes their next attempt out exponentially (capped). */
  private async deferRows(rows: OutboxRow[], error: unknown): Promise<void> {
    await this.pool
      .query(
        `UPDATE ${this.table}
         SET attempts = attempts + 1, last_error = $2,
             next_attempt_at = now() + make_interval(secs => least($3::float8, $4::float8 * power(2, attempts)) / 1000)
         WHERE position = ANY($1::bigint[])`,
        [rows.map((r) => r.position), describeError(error), this.retry.maxBackoffMs, this.retry.initialBackoffMs],
      )
      .catch(() => undefined);
  }

  private async poll(): Promise<void> {
    while (this.running) {
      let published = 0;
      this.woken = false;
      try {
        published = await this.relayOnce();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (published === 0 && this.running && !this.woken) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollIntervalMs ?? 100);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }
}
