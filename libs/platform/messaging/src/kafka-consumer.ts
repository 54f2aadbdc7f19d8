import type { Consumer, Kafka, Producer } from 'kafkajs';
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

/**
 * Subscribes consumer group `group` to `topics` with kafkajs. Messages of one partition are handled
 * one at a time, in order. A handler failure is retried with backoff; after `retry.maxAttempts` the
 * message goes to `<topic>.dlq` with the error in headers (`x-error`, `x-original-topic`,
 * `x-consumer-group`, `x-attempts`) and the offset moves on. Offsets are committed only for
 * messages that were handled or dead-lettered, so a crash redelivers (the inbox deduplicates).
 */
export async function subscribeKafka(
  kafka: Kafka,
  /** Producer for dead letters (only `send` is used). */
  producer: Pick<Producer, 'send'>,
  group: string,
  topics: readonly string[],
  handler: MessageHandler,
  retry: RetryPolicy,
  options: { fromBeginning?: boolean; onDeadLetter?: (topic: string, error: unknown) => void } = {},
): Promise<Subscription> {
  const consumer: Consumer = kafka.consumer({ groupId: group, allowAutoTopicCreation: true, retry: { retries: 10 } });
  let stopping = false;
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: true,
    eachMessage: async ({ topic, message }) => {
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
    },
  });
  return {
    async stop() {
      stopping = true;
      await consumer.disconnect();
    },
  };
}
