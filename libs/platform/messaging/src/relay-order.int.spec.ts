import { randomBytes } from 'node:crypto';
import { inTransaction, platformSchemaSql } from '@archipelago/platform-event-store';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribeKafka } from './kafka-consumer.js';
import { OutboxKafkaRelay, publishableInOrder, type PendingOutboxRow } from './kafka-relay.js';
import type { Subscription } from './message.types.js';
import { Outbox } from './outbox.js';

// Per-key order through the outbox relay, on real Postgres and Kafka. Consumers rely on Kafka's
// per-partition order: notifications learns an order's customer from OrderPlacedV1 and addresses
// OrderConfirmedV1 with it, so a confirmation that overtakes its placement notifies nobody. Two ways
// the relay used to let a key's later message overtake an earlier one: a row whose send failed
// (broker outage) waited out its backoff while later rows of its key were published, and two
// relays (one per replica) sent disjoint batches side by side.

async function eventually(check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(kafkaBrokers())('outbox relay keeps each key in order (kafka transport)', () => {
  const topic = `relaysys.pub.order-${randomBytes(3).toString('hex')}.v1`;
  const type = 'archipelago.relaysys.pub.ThingV1';
  let pool: pg.Pool;
  let kafka: Kafka;
  let real: Producer;
  let subscription: Subscription | undefined;
  /** Per key, the `n` of each message the consumer got, in arrival order. */
  const seen = new Map<string, number[]>();
  let outage = false;
  /** While set, sends wait for it (a send in flight); `entered` resolves when one is waiting. */
  let gate: { open: Promise<void>; release: () => void; entered: Promise<void>; enter: () => void } | undefined;
  const outbox = new Outbox('pub');
  const add = (key: string, n: number) =>
    inTransaction(pool, (client) => outbox.add(client, [{ topic, key, type, payload: { n } }]));

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await createTestDatabase('relay_order'), max: 6 });
    await pool.query(platformSchemaSql('pub'));
    kafka = new Kafka({ clientId: 'relay-order-test', brokers: [kafkaBrokers()], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
    await admin.disconnect();
    real = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await real.connect();
    subscription = await subscribeKafka(
      kafka,
      real,
      `relaysys.sub-${randomBytes(3).toString('hex')}`,
      [topic],
      async (message) => {
        const n = (message.payload as { n: number }).n;
        seen.set(message.key, [...(seen.get(message.key) ?? []), n]);
      },
      { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 50 },
    );
  }, 120_000);

  afterAll(async () => {
    await subscription?.stop().catch(() => undefined);
    await real?.disconnect().catch(() => undefined);
    await pool?.end();
  }, 60_000);

  /** The real producer, failing while `outage` is set and waiting at `gate`. */
  const producer = (): Producer => ({
    ...real,
    sendBatch: async (batch) => {
      if (outage) throw new Error('broker unreachable (test outage)');
      if (gate) {
        gate.enter();
        await gate.open;
      }
      return real.sendBatch(batch);
    },
  });
  const relay = () =>
    new OutboxKafkaRelay(pool, 'pub', producer(), {
      source: '/relaysys/pub',
      // A failed row waits a minute: the test, not the clock, says when its backoff is over.
      retry: { initialBackoffMs: 60_000, maxBackoffMs: 60_000 },
    });

  it("after a failed send, a key's later messages wait for the failed one; other keys go on", async () => {
    const r = relay();
    outage = true;
    await add('order-1', 1);
    await expect(r.relayOnce()).rejects.toThrow(/test outage/);
    outage = false;
    await add('order-1', 2); // e.g. OrderConfirmedV1 after its OrderPlacedV1
    await add('order-2', 1);
    expect(await r.relayOnce()).toBe(1); // order-2's only: order-1's second waits behind its first
    expect(await r.relayOnce()).toBe(0);
    await pool.query(`UPDATE pub.outbox SET next_attempt_at = now() WHERE published_at IS NULL`); // backoff over
    expect(await r.relayOnce()).toBe(2);
    await eventually(() => (seen.get('order-1')?.length ?? 0) >= 2 && seen.has('order-2'));
    expect(seen.get('order-1')).toEqual([1, 2]);
    expect(seen.get('order-2')).toEqual([1]);
  });

  it('publishes with one relay at a time: a second relay sends nothing while the first has a batch in flight', async () => {
    const [first, second] = [relay(), relay()];
    let release!: () => void;
    let enter!: () => void;
    const entered = new Promise<void>((resolve) => (enter = resolve));
    gate = { open: new Promise<void>((resolve) => (release = resolve)), release, entered, enter };
    await add('order-3', 1);
    const inFlight = first.relayOnce();
    await gate.entered;
    gate = undefined; // later sends pass at once
    await add('order-3', 2);
    expect(await second.relayOnce()).toBe(0);
    release();
    expect(await inFlight).toBe(1);
    expect(await second.relayOnce()).toBe(1);
    await eventually(() => (seen.get('order-3')?.length ?? 0) >= 2);
    expect(seen.get('order-3')).toEqual([1, 2]);
  });
});

describe('publishableInOrder', () => {
  const row = (position: number, key: string, due: boolean, topic = 't.s.x.v1') =>
    ({ position: String(position), topic, message_key: key, due }) as unknown as PendingOutboxRow;

  it('keeps due rows in position order and holds back every later row of a key that has a row waiting', () => {
    const rows = [row(1, 'a', false), row(2, 'b', true), row(3, 'a', true), row(4, 'c', true), row(5, 'a', true)];
    expect(publishableInOrder(rows).map((r) => r.position)).toEqual(['2', '4']);
  });

  it('tells keys apart per topic', () => {
    const rows = [row(1, 'a', false, 't.s.one.v1'), row(2, 'a', true, 't.s.two.v1')];
    expect(publishableInOrder(rows).map((r) => r.position)).toEqual(['2']);
  });
});
