import { randomBytes } from 'node:crypto';
import { startTestKafka, type TestKafka } from '@archipelago/testing-harness';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribeKafka } from './kafka-consumer.js';
import type { Subscription } from './message.types.js';

// The consumer's watchdog against a real broker that stops answering: the broker's JVM is frozen
// (SIGSTOP) so every socket stays open and silent — the shape of the hang seen after broker
// restarts. The subscription must notice the silence, recreate its consumer, and consume again once
// the broker is back (SIGCONT).

async function eventually(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('kafka consumer watchdog (own broker, frozen and thawed)', () => {
  let broker: TestKafka;
  let kafka: Kafka;
  let producer: Producer;
  let subscription: Subscription | undefined;
  const topic = `wd.pub.watchdog-${randomBytes(3).toString('hex')}.v1`;

  beforeAll(async () => {
    broker = await startTestKafka();
    kafka = new Kafka({ clientId: 'watchdog-test', brokers: [broker.brokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await subscription?.stop().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    if (broker) process.kill(broker.pid, 'SIGCONT');
    await broker?.stop();
  }, 60_000);

  it('recreates a consumer that went silent and consumes again after the broker is back', async () => {
    const seen: string[] = [];
    const errors: string[] = [];
    subscription = await subscribeKafka(
      kafka,
      producer,
      'wd.sub',
      [topic],
      async (message) => {
        seen.push(message.key);
      },
      { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 50 },
      // Above kafkajs' idle fetch wait (5 s), so an idle healthy consumer never counts as stalled.
      { stallTimeoutMs: 8_000, onError: (e) => errors.push(e instanceof Error ? e.message : String(e)) },
    );
    await producer.send({ topic, messages: [{ key: 'before', value: '{}' }] });
    await eventually(() => seen.includes('before'), 60_000);
    // Idle but healthy for longer than the stall timeout: no stall reported.
    await new Promise((r) => setTimeout(r, 10_000));
    expect(errors.filter((e) => e.includes('stalled'))).toEqual([]);

    process.kill(broker.pid, 'SIGSTOP');
    try {
      await eventually(() => errors.some((e) => e.includes('stalled')), 30_000);
    } finally {
      process.kill(broker.pid, 'SIGCONT');
    }

    await producer.send({ topic, messages: [{ key: 'after', value: '{}' }] });
    await eventually(() => seen.includes('after'), 120_000);
    expect(errors.find((e) => e.includes('stalled'))).toMatch(
      /kafka consumer group wd\.sub stalled \(no sign of life for \d+ ms\)/,
    );
    expect(seen.filter((k) => k === 'before').length).toBeGreaterThanOrEqual(1);
  }, 240_000);
});
