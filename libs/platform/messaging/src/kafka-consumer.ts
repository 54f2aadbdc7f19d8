import type { Span } from '@opentelemetry/api';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { fromCloudEvent } from './cloudevents.js';
import { deadLetterTopic, type MessageHandler, type RetryPolicy, type Subscription } from './message.types.js';
import { inProcessSpan } from './messaging.tracing.js';
import { deliverWithRetry, describeError } from './retry.js';

function headersOf(raw: Record<string, unknown> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value)
      ? String(value[0])
      : Buffer.isBuffer(value)
        ? value.toString('utf8')
        : String(value);
  }
  return headers;
}

/** Backoff between attempts to recreate a consumer that kafkajs gave up on (ms). */
const RECREATE_BACKOFF_MS = { initial: 500, max: 15_000 } as const;
/** Default time without any sign of life after which a consumer counts as stalled (ms). */
export const DEFAULT_CONSUMER_STALL_TIMEOUT_MS = 45_000;

/** Options of {@link subscribeKafka}. */
export interface KafkaSubscriptionOptions {
  /** Start at the earliest offset when the group has none (default true). */
  readonly fromBeginning?: boolean;
  readonly onDeadLetter?: (topic: string, error: unknown) => void;
  /** Consumer crashes and stalls (with whether kafkajs or this subscription restarts it). */
  readonly onError?: (error: unknown) => void;
  /** Silence (ms) after which a consumer that handles nothing is recreated (default 45 s). */
  readonly stallTimeoutMs?: number;
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
 *
 * Crashes: kafkajs restarts a crashed consumer itself only when it deems the error retriable; after
 * other crashes (seen after a broker restart: a connection error wrapped as non-retriable) the
 * consumer stays disconnected for good. This subscription then creates a new consumer of the same
 * group (backoff 0.5 s doubling to 15 s, until it runs or `stop()` is called), so consumption always
 * resumes from the group's committed offsets. Every crash is reported through `options.onError`.
 *
 * Stalls: after a broker restart a kafkajs consumer can also hang for good in its own restart
 * (seen in the saga's broker-restart test: "Consumer Starting", then never "joined the group", no
 * crash, no fetch, no heartbeat). A watchdog treats `stallTimeoutMs` (default 45 s) without any sign
 * of life (fetch, heartbeat, group join, batch) while no message is being handled as a stall,
 * reports it and recreates the consumer the same way. A healthy idle consumer fetches at least every
 * 5 s (kafkajs' max wait) and heartbeats every 3 s; a join can wait up to the 30 s session timeout
 * of a member that died — the default stays above both.
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
  let stopping = false;
  let current: Consumer | undefined;
  let recreateTimer: NodeJS.Timeout | undefined;
  let lastSignOfLife = Date.now();
  let handling = 0;
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_CONSUMER_STALL_TIMEOUT_MS;

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
    // The span continues the producer's trace (not kafkajs' per-batch "poll" trace).
    return inProcessSpan(incoming, group, 'kafka', (span) => handleInSpan(topic, message, headers, incoming, span));
  };

  const handleInSpan = async (
    topic: string,
    message: KafkaMessage,
    headers: Record<string, string>,
    incoming: ReturnType<typeof fromCloudEvent>,
    span: Span,
  ): Promise<void> => {
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
    span.setAttribute('archipelago.dead_lettered', true);
    options.onDeadLetter?.(topic, outcome.error);
  };

  const start = async (): Promise<void> => {
    const consumer = kafka.consumer({ groupId: group, allowAutoTopicCreation: true, retry: { retries: 10 } });
    current = consumer;
    lastSignOfLife = Date.now();
    const alive = () => {
      if (current === consumer) lastSignOfLife = Date.now();
    };
    // Not REQUEST: a consumer stuck in a retry loop may keep sending requests without ever consuming.
    for (const event of [
      consumer.events.GROUP_JOIN,
      consumer.events.HEARTBEAT,
      consumer.events.FETCH_START,
      consumer.events.FETCH,
      consumer.events.START_BATCH_PROCESS,
      consumer.events.END_BATCH_PROCESS,
    ]) {
      consumer.on(event, alive);
    }
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      const willRestart = payload.restart && !stopping;
      options.onError?.(
        new Error(
          `kafka consumer group ${group} crashed (${willRestart ? 'kafkajs restarts it' : 'recreating it'}): ${describeError(payload.error)}`,
          { cause: payload.error },
        ),
      );
      if (!payload.restart && !stopping && current === consumer) scheduleRecreate(RECREATE_BACKOFF_MS.initial);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          handling++;
          try {
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
          } finally {
            handling--;
            lastSignOfLife = Date.now();
          }
        },
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  };

  const scheduleRecreate = (delayMs: number): void => {
    if (stopping || recreateTimer) return;
    recreateTimer = setTimeout(() => {
      recreateTimer = undefined;
      if (stopping) return;
      // A stalled consumer's disconnect may hang as well: not awaited.
      void current?.disconnect().catch(() => undefined);
      start().catch((error: unknown) => {
        options.onError?.(
          new Error(`kafka consumer group ${group}: recreate failed: ${describeError(error)}`, { cause: error }),
        );
        scheduleRecreate(Math.min(Math.max(delayMs * 2, RECREATE_BACKOFF_MS.initial), RECREATE_BACKOFF_MS.max));
      });
    }, delayMs);
  };

  await start();
  const watchdog = setInterval(
    () => {
      if (stopping || recreateTimer || handling > 0) return;
      const silentMs = Date.now() - lastSignOfLife;
      if (silentMs < stallTimeoutMs) return;
      options.onError?.(
        new Error(`kafka consumer group ${group} stalled (no sign of life for ${silentMs} ms): recreating it`),
      );
      lastSignOfLife = Date.now();
      scheduleRecreate(0);
    },
    Math.min(5_000, Math.max(100, stallTimeoutMs / 4)),
  );
  watchdog.unref();
  return {
    async stop() {
      stopping = true;
      clearInterval(watchdog);
      if (recreateTimer) clearTimeout(recreateTimer);
      recreateTimer = undefined;
      await current?.disconnect();
    },
  };
}
