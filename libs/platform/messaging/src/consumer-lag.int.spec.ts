import { inTransaction, platformSchemaSql } from '@archipelago/platform-event-store';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Messaging } from './messaging.js';

// consumer_lag_messages (postgres transport): what a group still has to read from a source outbox.
describe('consumer lag, postgres transport', () => {
  let pool: pg.Pool;
  let publisher: Messaging;
  let consumer: Messaging;
  const topic = 'testsys.pub.lagging.v1';

  beforeAll(async () => {
    const url = await createTestDatabase('consumer_lag');
    pool = new pg.Pool({ connectionString: url, max: 6 });
    await pool.query(platformSchemaSql('pub'));
    await pool.query(platformSchemaSql('sub'));
    const common = { transport: 'postgres', system: 'testsys', pool, databaseUrl: url } as const;
    publisher = new Messaging({ ...common, service: 'pub', schema: 'pub' });
    consumer = new Messaging({ ...common, service: 'sub', schema: 'sub' });
  });
  afterAll(async () => {
    await consumer?.close();
    await publisher?.close();
    await pool?.end();
  });

  it('counts the messages after the group checkpoint, per source, down to 0 once handled', async () => {
    await inTransaction(pool, (client) =>
      publisher.outbox.add(client, [1, 2, 3].map((n) => ({ topic, key: 'k', type: 'test.Lagging', payload: { n } }))),
    );
    expect(await consumer.consumerLag()).toEqual([]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: number[] = [];
    await consumer.subscribe('testsys.lagging', [topic], async (m) => {
      await gate;
      handled.push((m.payload as { n: number }).n);
    });
    // the first message is being handled, the checkpoint has not moved: all three are still to read
    await vi.waitFor(async () => expect(await consumer.consumerLag()).toEqual([{ group: 'testsys.lagging', source: 'pub.outbox', messages: 3 }]));
    release();
    await vi.waitFor(() => expect(handled).toEqual([1, 2, 3]), { timeout: 10_000 });
    await vi.waitFor(async () => expect(await consumer.consumerLag()).toEqual([{ group: 'testsys.lagging', source: 'pub.outbox', messages: 0 }]));
  });
});

// consumer_lag_messages (kafka transport): log end offsets minus the group's committed offsets, per topic.
describe('consumer lag, kafka transport', () => {
  let pool: pg.Pool;
  let publisher: Messaging;
  let consumer: Messaging;
  const topic = `testsys.pub.lagging-${randomBytes(3).toString('hex')}.v1`;
  const group = `testsys.lagging-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    const url = await createTestDatabase('consumer_lag_kafka');
    pool = new pg.Pool({ connectionString: url, max: 6 });
    await pool.query(platformSchemaSql('pub'));
    await pool.query(platformSchemaSql('sub'));
    const common = { transport: 'kafka', kafkaBrokers: [kafkaBrokers()], system: 'testsys', pool, databaseUrl: url } as const;
    publisher = new Messaging({ ...common, service: 'pub', schema: 'pub' });
    consumer = new Messaging({ ...common, service: 'sub', schema: 'sub' });
    await publisher.ensureTopics([topic]);
    await publisher.start();
  });
  afterAll(async () => {
    await consumer?.close();
    await publisher?.close();
    await pool?.end();
  });

  it('counts what the group has not committed, per topic, down to 0 once handled', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: number[] = [];
    await consumer.subscribe(group, [topic], async (m) => {
      await gate;
      handled.push((m.payload as { n: number }).n);
    });
    await inTransaction(pool, (client) =>
      publisher.outbox.add(client, [1, 2, 3].map((n) => ({ topic, key: 'k', type: 'test.Lagging', payload: { n } }))),
    );
    // Published, the first one is being handled, nothing committed: all three are still to read.
    await vi.waitFor(async () => expect(await consumer.consumerLag()).toEqual([{ group, source: topic, messages: 3 }]), {
      timeout: 30_000,
      interval: 200,
    });
    release();
    await vi.waitFor(() => expect(handled).toEqual([1, 2, 3]), { timeout: 30_000 });
    await vi.waitFor(async () => expect(await consumer.consumerLag()).toEqual([{ group, source: topic, messages: 0 }]), {
      timeout: 30_000,
      interval: 200,
    });
  });
});
