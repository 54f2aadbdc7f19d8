import type { Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import { ident } from '@archipelago/platform-event-store';
import { SpanKind } from '@archipelago/platform-telemetry';
import { fromCloudEvent } from './cloudevents.js';
import { deadLetterTopic, type IncomingMessage } from './message.types.js';
import { inReplaySpan } from './messaging.tracing.js';
import { describeError } from './retry.js';

/** The Kafka consumer group the replay command reads `<topic>.dlq` topics with. */
export const REPLAY_GROUP = 'archipelago.dead-letter-replay';

/**
 * Replays the `kafka` transport's dead letters of `topics`: every message waiting in
 * `<topic>.dlq` is published again to its original topic (error headers dropped), then the
 * replay group commits past it. Consumers that had already processed it skip it (inbox).
 * Returns the number of messages replayed.
 */
export async function replayKafkaDeadLetters(
  kafka: Kafka,
  producer: Producer,
  topics: readonly string[],
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const dlqs = topics.map(deadLetterTopic);
  const existing = new Set(await admin.listTopics());
  const targets = dlqs.filter((t) => existing.has(t));
  const groupId = REPLAY_GROUP;
  const remaining = new Map<string, bigint>();
  for (const topic of targets) {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    for (const end of ends) {
      const done = committed[0]?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      const from = BigInt(done) < 0n ? BigInt(end.low) : BigInt(done);
      if (BigInt(end.high) > from) remaining.set(`${topic}:${end.partition}`, BigInt(end.high));
    }
  }
  await admin.disconnect();
  if (remaining.size === 0) return 0;
  let replayed = 0;
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: targets, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ topic, partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
          const original = headers['x-original-topic'] ?? topic.replace(/\.dlq$/, '');
          const group = headers['x-consumer-group'] ?? '';
          for (const h of ['x-error', 'x-original-topic', 'x-consumer-group', 'x-attempts']) delete headers[h];
          // A new trace linked to the failed delivery's; the send span (kafkajs instrumentation)
          // is its child and sets the message's traceparent to it.
          const dead = fromCloudEvent(original, message.key?.toString('utf8') ?? '', headers, null);
          await inReplaySpan(dead, group, 'kafka', SpanKind.PRODUCER, async (replayed) => {
            await producer.send({
              topic: original,
              acks: -1,
              messages: [{ key: message.key, value: message.value, headers: { ...replayed.headers } }],
            });
          });
          replayed++;
          const key = `${topic}:${partition}`;
          if (BigInt(message.offset) + 1n >= (remaining.get(key) ?? 0n)) remaining.delete(key);
          if (remaining.size === 0) setImmediate(resolve);
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return replayed;
}

/**
 * Asks for a replay of the `postgres` transport's dead letters of consumer group `group`: marks
 * every row not yet replayed; the group's running consumer redelivers them to its handler (see
 * `subscribePostgres`). Only SQL: the command needs no handler code. Returns the rows marked.
 */
export async function requestPostgresDeadLetterReplay(pool: pg.Pool, schema: string, group: string): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE ${ident(schema)}.dead_letters SET replay_requested_at = now()
     WHERE consumer_group = $1 AND replayed_at IS NULL AND replay_requested_at IS NULL`,
    [group],
  );
  return rowCount ?? 0;
}

/**
 * Redelivers the dead letters of `group` whose replay was requested: success marks them
 * replayed; a new failure keeps them dead (with the new error) until the next request.
 * Returns the number replayed successfully.
 */
export async function redeliverRequestedDeadLetters(
  pool: pg.Pool,
  schema: string,
  group: string,
  deliver: (message: IncomingMessage) => Promise<{ ok: true } | { ok: false; error: unknown }>,
): Promise<number> {
  const table = `${ident(schema)}.dead_letters`;
  const { rows } = await pool.query<{
    id: string;
    topic: string;
    message_key: string;
    headers: Record<string, string>;
    payload: unknown;
  }>(
    `SELECT id, topic, message_key, headers, payload FROM ${table}
     WHERE consumer_group = $1 AND replay_requested_at IS NOT NULL AND replayed_at IS NULL ORDER BY id LIMIT 100`,
    [group],
  );
  let replayed = 0;
  for (const row of rows) {
    const outcome = await deliver(fromCloudEvent(row.topic, row.message_key, row.headers, row.payload));
    if (outcome.ok) {
      await pool.query(`UPDATE ${table} SET replayed_at = now() WHERE id = $1`, [row.id]);
      replayed++;
    } else {
      await pool.query(
        `UPDATE ${table} SET error = $2, attempts = attempts + 1, replay_requested_at = NULL WHERE id = $1`,
        [row.id, describeError(outcome.error)],
      );
    }
  }
  return replayed;
}

/** Dead letters waiting in one place: a consumer group's rows for a topic (postgres) or a `<topic>.dlq` (kafka). */
export interface DeadLetterSummary {
  /** The topic the messages were read from (kafka: without the `.dlq` suffix). */
  readonly topic: string;
  /** The consumer group that failed them (postgres); `undefined` with kafka (the DLQ holds every group's). */
  readonly group?: string;
  /** Messages not yet replayed. kafka: not yet read by the replay group. */
  readonly waiting: number;
  /** postgres only: of those, marked for redelivery and not yet redelivered. */
  readonly replayRequested?: number;
  /** postgres only: ISO 8601 time of the oldest failure waiting. */
  readonly oldestFailedAt?: string;
  /** postgres only: the error of the newest failure waiting. */
  readonly lastError?: string;
}

/**
 * The `postgres` transport's dead letters not yet replayed in `schema.dead_letters`, per consumer
 * group and topic (the groups are the consumers of this schema's service).
 */
export async function listPostgresDeadLetters(pool: pg.Pool, schema: string): Promise<DeadLetterSummary[]> {
  const { rows } = await pool.query<{
    consumer_group: string;
    topic: string;
    waiting: string;
    replay_requested: string;
    oldest: Date;
    last_error: string;
  }>(
    `SELECT consumer_group, topic, count(*) AS waiting, count(replay_requested_at) AS replay_requested,
            min(failed_at) AS oldest, (array_agg(error ORDER BY id DESC))[1] AS last_error
     FROM ${ident(schema)}.dead_letters WHERE replayed_at IS NULL
     GROUP BY consumer_group, topic ORDER BY consumer_group, topic`,
  );
  return rows.map((r) => ({
    topic: r.topic,
    group: r.consumer_group,
    waiting: Number(r.waiting),
    replayRequested: Number(r.replay_requested),
    oldestFailedAt: r.oldest.toISOString(),
    lastError: r.last_error,
  }));
}

/**
 * The `kafka` transport's dead letters: for every `<topic>.dlq` topic of the cluster (or of
 * `topics` when given), the messages the replay group has not yet read.
 */
export async function listKafkaDeadLetters(kafka: Kafka, topics?: readonly string[]): Promise<DeadLetterSummary[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    const dlqs = existing
      .filter((t) => t.endsWith('.dlq') && (!topics?.length || topics.map(deadLetterTopic).includes(t)))
      .sort();
    const out: DeadLetterSummary[] = [];
    for (const dlq of dlqs) {
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(dlq),
        admin.fetchOffsets({ groupId: REPLAY_GROUP, topics: [dlq] }),
      ]);
      let waiting = 0n;
      for (const end of ends) {
        const done = committed[0]?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        const from = BigInt(done) < 0n ? BigInt(end.low) : BigInt(done);
        if (BigInt(end.high) > from) waiting += BigInt(end.high) - from;
      }
      out.push({ topic: dlq.replace(/\.dlq$/, ''), waiting: Number(waiting) });
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}
