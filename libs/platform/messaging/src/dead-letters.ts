import type { Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import { ident } from '@archipelago/platform-event-store';
import { SpanKind } from '@archipelago/platform-telemetry';
import { fromCloudEvent } from './cloudevents.js';
import { deadLetterTopic, type IncomingMessage } from './message.types.js';
import { inReplaySpan } from './messaging.tracing.js';
import { describeError } from './retry.js';

/**
 * Replays the `kafka` transport's dead letters of `topics`: every message waiting in
 * `<topic>.dlq` is published again to its original topic (error headers dropped), then the
 * replay group commits past it. Consumers that had already processed it skip it (inbox).
 * Returns the number of messages replayed.
 */
export async function replayKafkaDeadLetters(kafka: Kafka, producer: Producer, topics: readonly string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const dlqs = topics.map(deadLetterTopic);
  const existing = new Set(await admin.listTopics());
  const targets = dlqs.filter((t) => existing.has(t));
  const groupId = 'archipelago.dead-letter-replay';
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
      await pool.query(`UPDATE ${table} SET error = $2, attempts = attempts + 1, replay_requested_at = NULL WHERE id = $1`, [
        row.id,
        describeError(outcome.error),
      ]);
    }
  }
  return replayed;
}
