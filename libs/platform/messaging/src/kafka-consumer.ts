import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { fromCloudEvent } from './cloudevents.js';
import { deadLetterTopic, type MessageHandler, type RetryPolicy, type Subscription } from './message.types.js';
import { deliverWithRetry, describeError } from './retry.js';

function headersOf(raw: Record<string, unknown> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? String(value[0]) : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return headers;
}

/** Options of {@link subscribeKafka}. */
export interface KafkaSubscriptionOptions {
  /** Start at the earliest offset when the group has none (default true). */
  readonly fromBeginning?: boolean;
  readonly onDeadLetter?: (topic: string, error: unknown) => void;
  /** Partitions whose batches are handled at the same time (kafkajs `partitionsConsumedConcurrently`, default 1). */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Keys of one partition's batch handled at the same time (default 1: the batch in offset order).
   * Messages of one key are always handled one after another, in offset order.
   */
  readonly keysConsumedConcurrently?: number;
}

/** Runs `work` on every item with at most `limit` running at once; rejects with the first failure. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * Subscribes consumer group `group` to `topics` with kafkajs. Messages of one key are handled one
 * at a time, in offset order; up to `keysConsumedConcurrently` keys of a partition's batch and up to
 * `partitionsConsumedConcurrently` partitions are handled at the same time (both default 1: one
 * message at a time). A handler failure is retried with backoff; after `retry.maxAttempts` the
 * message goes to `<topic>.dlq` with the error in headers (`x-error`, `x-original-topic`,
 * `x-consumer-group`, `x-attempts`) and the offset moves on. A batch's offset is committed only
 * once every message of it was handled or dead-lettered, so a crash redelivers (the inbox
 * deduplicates).
 */
export async function subscribeKafka(
  kafka: Kafka,
  /** Producer for dead letters (only `send` is used). */
  producer: Pick<Producer, 'send'>,
  group: string,
  topics: readonly string[],
  handler: MessageHandler,
  retry: RetryPolicy,
  options: KafkaSubscriptionOptions = {},
): Promise<Subscription> {
  const consumer: Consumer = kafka.consumer({ groupId: group, allowAutoTopicCreation: true, retry: { retries: 10 } });
  let stopping = false;

  const handleOne = async (topic: string, message: KafkaMessage): Promise<void> => {
    const headers = headersOf(message.headers as Record<string, unknown>);
    const raw = message.value?.toString('utf8') ?? 'null';
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      payload = raw;
    }
    const incoming = fromCloudEvent(topic, message.key?.toString('utf8') ?? '', headers, payload);
    const outcome = await deliverWithRetry(handler, incoming, retry, () => stopping);
    if (outcome.ok) return;
    if (stopping) throw outcome.error; // not dead-lettered: redelivered after restart
    await producer.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...headers,
            'x-error': describeError(outcome.error),
            'x-original-topic': topic,
            'x-consumer-group': group,
            'x-attempts': String(outcome.attempts),
          },
        },
      ],
    });
    options.onDeadLetter?.(topic, outcome.error);
  };

  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: true,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      // One lane per key, in offset order; lanes run side by side.
      const lanes = new Map<string, KafkaMessage[]>();
      for (const message of batch.messages) {
        const key = message.key?.toString('utf8') ?? '';
        const lane = lanes.get(key);
        if (lane) lane.push(message);
        else lanes.set(key, [message]);
      }
      await forEachLimited([...lanes.values()], options.keysConsumedConcurrently ?? 1, async (lane) => {
        for (const message of lane) {
          await handleOne(batch.topic, message);
          await heartbeat();
        }
      });
      // Every message of the batch is done: commit past the whole batch.
      if (batch.messages.length > 0) resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
    },
  });
  return {
    async stop() {
      stopping = true;
      await consumer.disconnect();
    },
  };
}
