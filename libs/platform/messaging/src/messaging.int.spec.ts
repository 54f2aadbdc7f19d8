import { randomBytes } from 'node:crypto';
import { inTransaction, platformSchemaSql } from '@archipelago/platform-event-store';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inbox, observeInboxDuplicates } from './inbox.js';
import type { IncomingMessage } from './message.types.js';
import { Messaging, type TransportKind } from './messaging.js';

/** Polls `check` until it returns true (or fails after `ms`). */
async function eventually(check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

// One contract, two transports: the same behaviour is required of both.
describe.each<TransportKind>(['postgres', 'kafka'])('messaging contract over the %s transport', (transport) => {
  let url: string;
  let pool: pg.Pool;
  let publisher: Messaging;
  let consumer: Messaging;
  const suffix = randomBytes(3).toString('hex');
  const topic = `testsys.pub.thing-happened-${suffix}.v1`;
  const other = `testsys.pub.other-thing-${suffix}.v1`;

  beforeAll(async () => {
    url = await createTestDatabase(`messaging_${transport}`);
    pool = new pg.Pool({ connectionString: url, max: 10 });
    await pool.query(platformSchemaSql('pub'));
    await pool.query(platformSchemaSql('sub'));
    await pool.query('CREATE TABLE sub.effects (message_id text, key text, n int)');
    const common = {
      transport,
      kafkaBrokers: transport === 'kafka' ? [kafkaBrokers()] : undefined,
      system: 'testsys',
      pool,
      databaseUrl: url,
      retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 },
    } as const;
    publisher = new Messaging({ ...common, service: 'pub', schema: 'pub' });
    consumer = new Messaging({ ...common, service: 'sub', schema: 'sub' });
    await publisher.ensureTopics([topic, other]);
    await publisher.start();
  });

  afterAll(async () => {
    await consumer?.close();
    await publisher?.close();
    await pool?.end();
  });

  const publish = async (messages: Array<{ key: string; n: number; topic?: string }>) =>
    inTransaction(pool, (client) =>
      publisher.outbox.add(
        client,
        messages.map((m) => ({
          topic: m.topic ?? topic,
          key: m.key,
          type: 'archipelago.testsys.pub.ThingHappenedV1',
          payload: { n: m.n },
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        })),
      ),
    );

  it('delivers outbox messages to a consumer group in order per key, as CloudEvents, once each (inbox)', async () => {
    const inbox = new Inbox(pool, 'sub', 'testsys.sub');
    const duplicates: string[] = [];
    const stopObserving = observeInboxDuplicates((group) => duplicates.push(group));
    const seen: IncomingMessage[] = [];
    await consumer.subscribe('testsys.sub', [topic], async (message) => {
      seen.push(message);
      await inbox.handleOnce(message, async (client) => {
        await client.query('INSERT INTO sub.effects VALUES ($1, $2, $3)', [message.id, message.key, (message.payload as { n: number }).n]);
      });
    });
    const ids = await publish([
      { key: 'a', n: 1 },
      { key: 'b', n: 1 },
      { key: 'a', n: 2 },
    ]);
    await publish([{ key: 'a', n: 3 }]);
    await eventually(async () => Number((await pool.query('SELECT count(*) FROM sub.effects')).rows[0].count) === 4);

    const forA = seen.filter((m) => m.key === 'a').map((m) => (m.payload as { n: number }).n);
    expect(forA).toEqual([1, 2, 3]);
    const first = seen.find((m) => m.id === ids[0])!;
    expect(first).toMatchObject({
      topic,
      type: 'archipelago.testsys.pub.ThingHappenedV1',
      source: '/testsys/pub',
      payload: { n: 1 },
    });
    expect(first.headers.ce_specversion).toBe('1.0');
    expect(first.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(Number.isNaN(Date.parse(first.time))).toBe(false);

    // Redeliver everything (what a crash between publish and acknowledgement does): no effect twice.
    if (transport === 'kafka') {
      await pool.query('UPDATE pub.outbox SET published_at = NULL');
    } else {
      // Deleting the group's checkpoint row starts it over from the beginning of the log.
      await pool.query(`DELETE FROM sub.consumer_checkpoints`);
    }
    await eventually(() => seen.length >= 8);
    const { rows } = await pool.query('SELECT message_id, count(*)::int AS n FROM sub.effects GROUP BY message_id');
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    // … and the inbox reported each redelivery it dropped (inbox_duplicates_dropped_total)
    await eventually(() => duplicates.length >= 4);
    stopObserving();
    // (Kafka may redeliver more than the four on a rebalance; each is still a duplicate of this group)
    expect(duplicates.length).toBeGreaterThanOrEqual(4);
    expect(new Set(duplicates)).toEqual(new Set(['testsys.sub']));
  });

  it('gives every consumer group its own copy of each message', async () => {
    const groupA: number[] = [];
    const groupB: number[] = [];
    await consumer.subscribe('testsys.group-a', [other], async (m) => void groupA.push((m.payload as { n: number }).n));
    await consumer.subscribe('testsys.group-b', [other], async (m) => void groupB.push((m.payload as { n: number }).n));
    await publish([
      { key: 'k', n: 10, topic: other },
      { key: 'k', n: 11, topic: other },
    ]);
    await eventually(() => groupA.length >= 2 && groupB.length >= 2);
    expect(groupA).toEqual([10, 11]);
    expect(groupB).toEqual([10, 11]);
  });

  it('dead-letters a message that keeps failing, keeps consuming the rest, and replays it on command', async () => {
    const dlTopic = `testsys.pub.poison-${suffix}.v1`;
    await publisher.ensureTopics([dlTopic]);
    let broken = true;
    const handled: number[] = [];
    const attempts = new Map<number, number>();
    const handler = async (m: IncomingMessage) => {
      const n = (m.payload as { n: number }).n;
      attempts.set(n, (attempts.get(n) ?? 0) + 1);
      if (n === 666 && broken) throw new Error('cannot handle 666');
      handled.push(n);
    };
    await consumer.subscribe('testsys.dlq-test', [dlTopic], handler);
    await publish([
      { key: 'p', n: 665, topic: dlTopic },
      { key: 'p', n: 666, topic: dlTopic },
      { key: 'p', n: 667, topic: dlTopic },
    ]);
    await eventually(() => handled.includes(667));
    expect(handled).toEqual([665, 667]);
    expect(attempts.get(666)).toBe(3);

    broken = false;
    await eventually(async () => (await consumer.replayDeadLetters('testsys.dlq-test', [dlTopic])) > 0 || handled.includes(666));
    await eventually(() => handled.includes(666));
    expect(handled.filter((n) => n === 666)).toHaveLength(1);
  });
});
