import { createTestDatabase } from '@archipelago/testing-harness';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from './event-store.js';
import { platformSchemaSql } from './event-store.schema.js';
import { LOG_START, WrongExpectedVersionError } from './event-store.types.js';
import { ProjectionRunner, type Projection } from './projection-runner.js';
import { inTransaction } from './sql.js';

let pool: pg.Pool;
const store = new PostgresEventStore('store_test', {
  // v1 had `name`, v2 split it into first/last.
  Renamed: { 1: (d: { name: string }) => ({ first: d.name.split(' ')[0], last: d.name.split(' ')[1] }) },
});

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await createTestDatabase('event_store'), max: 10 });
  await pool.query(platformSchemaSql('store_test'));
});
afterAll(async () => pool.end());

describe('PostgresEventStore', () => {
  it('appends with an expected version and reads the stream back in order with metadata', async () => {
    const result = await store.append(pool, 'order-1', [{ type: 'A', data: { n: 1 } }, { type: 'B', data: { n: 2 } }], {
      expectedVersion: 'no_stream',
      metadata: { correlationId: 'c-1', causationId: 'cmd-1', actor: 'user-1', traceparent: '00-abc-def-01' },
    });
    expect(result.nextExpectedVersion).toBe(2);
    await store.append(pool, 'order-1', [{ type: 'C', data: { n: 3 } }], { expectedVersion: 2 });
    const events = await store.readStream(pool, 'order-1');
    expect(events.map((e) => [e.type, e.streamVersion, e.data])).toEqual([
      ['A', 1, { n: 1 }],
      ['B', 2, { n: 2 }],
      ['C', 3, { n: 3 }],
    ]);
    expect(events[0]!.metadata).toMatchObject({ correlationId: 'c-1', causationId: 'cmd-1', actor: 'user-1' });
  });

  it('rejects an append at a stale or future expected version with a typed error, writing nothing', async () => {
    await store.append(pool, 'order-2', [{ type: 'A', data: {} }], { expectedVersion: 'no_stream' });
    await expect(store.append(pool, 'order-2', [{ type: 'B', data: {} }], { expectedVersion: 0 })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    await expect(store.append(pool, 'order-2', [{ type: 'B', data: {} }], { expectedVersion: 5 })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    await expect(
      store.append(pool, 'order-2', [{ type: 'B', data: {} }], { expectedVersion: 'no_stream' }),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await store.currentVersion(pool, 'order-2')).toBe(1);
  });

  it('lets exactly one of two concurrent writers at the same version win', async () => {
    await store.append(pool, 'order-3', [{ type: 'A', data: {} }], { expectedVersion: 'no_stream' });
    const results = await Promise.allSettled(
      [1, 2].map((i) =>
        inTransaction(pool, (c) => store.append(c, 'order-3', [{ type: `W${i}`, data: {} }], { expectedVersion: 1 })),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(WrongExpectedVersionError);
    expect(await store.currentVersion(pool, 'order-3')).toBe(2);
  });

  it('upcasts old events on read without rewriting them', async () => {
    await store.append(pool, 'person-1', [{ type: 'Renamed', data: { name: 'Ada Lovelace' }, schemaVersion: 1 }], {
      expectedVersion: 'no_stream',
    });
    const [event] = await store.readStream(pool, 'person-1');
    expect(event!.data).toEqual({ first: 'Ada', last: 'Lovelace' });
    expect(event!.schemaVersion).toBe(1);
    const { rows } = await pool.query(`SELECT data FROM store_test.events WHERE stream_id = 'person-1'`);
    expect(rows[0].data).toEqual({ name: 'Ada Lovelace' });
  });

  it("reads only a stream's events with a given data field value, up to a version, upcast", async () => {
    await store.append(
      pool,
      'wallet-1',
      [
        { type: 'Paid', data: { orderId: 'o1', n: 1 } },
        { type: 'Paid', data: { orderId: 'o2', n: 2 } },
        { type: 'Deposited', data: { n: 3 } },
        { type: 'Refunded', data: { orderId: 'o1', n: 4 } },
        { type: 'Renamed', data: { orderId: 'o1', name: 'Ada Lovelace' }, schemaVersion: 1 },
      ],
      { expectedVersion: 'no_stream' },
    );
    await store.append(pool, 'wallet-2', [{ type: 'Paid', data: { orderId: 'o1', n: 9 } }], { expectedVersion: 'no_stream' });
    const read = async (toVersion?: number) =>
      (await store.readStreamWhere(pool, 'wallet-1', 'orderId', 'o1', toVersion)).map((e) => [e.streamVersion, e.data]);
    expect(await read()).toEqual([
      [1, { orderId: 'o1', n: 1 }],
      [4, { orderId: 'o1', n: 4 }],
      [5, { first: 'Ada', last: 'Lovelace' }],
    ]);
    expect(await read(3)).toEqual([[1, { orderId: 'o1', n: 1 }]]);
    await expect(store.readStreamWhere(pool, 'wallet-1', "orderId' OR 'x", 'o1')).rejects.toBeInstanceOf(RangeError);
  });

  it('never skips an event committed late with a lower global position (catch-up reading)', async () => {
    const read = async (after = LOG_START) => store.readAll(pool, after, 10_000);
    const before = await read();
    const checkpoint = before.length
      ? { transactionId: before.at(-1)!.transactionId, position: before.at(-1)!.globalPosition }
      : LOG_START;

    const slow = await pool.connect();
    const fast = await pool.connect();
    try {
      await slow.query('BEGIN');
      await store.append(slow, 'late-1', [{ type: 'Late', data: {} }], { expectedVersion: 'no_stream' });
      await fast.query('BEGIN');
      await store.append(fast, 'early-1', [{ type: 'Early', data: {} }], { expectedVersion: 'no_stream' });
      await fast.query('COMMIT');
      const [lateRow] = (await slow.query(`SELECT global_position FROM store_test.events WHERE stream_id = 'late-1'`)).rows;
      const [earlyRow] = (await pool.query(`SELECT global_position FROM store_test.events WHERE stream_id = 'early-1'`)).rows;
      // The precondition of the hazard: the committed event has the higher position.
      expect(Number(earlyRow.global_position)).toBeGreaterThan(Number(lateRow.global_position));

      // While the slow transaction is open, nothing after it may be handed out.
      const whileOpen = await read(checkpoint);
      expect(whileOpen.map((e) => e.streamId)).not.toContain('early-1');

      await slow.query('COMMIT');
      const after = await read(checkpoint);
      expect(after.map((e) => e.streamId)).toEqual(['late-1', 'early-1']);
    } finally {
      slow.release();
      fast.release();
    }
  });
});

describe('ProjectionRunner', () => {
  const projection: Projection = {
    name: 'counts',
    async apply(client, event) {
      await client.query(
        `INSERT INTO store_test.counts (type, n) VALUES ($1, 1) ON CONFLICT (type) DO UPDATE SET n = counts.n + 1`,
        [event.type],
      );
    },
    async reset(client) {
      await client.query('TRUNCATE store_test.counts');
    },
  };

  it('projects every event once, keeps its checkpoint with the read model, and rebuilds to the same result', async () => {
    await pool.query('CREATE TABLE store_test.counts (type text primary key, n int not null)');
    const runner = new ProjectionRunner(pool, store, projection, { batchSize: 2 });
    await runner.catchUp();
    const counts = async () =>
      Object.fromEntries((await pool.query('SELECT type, n FROM store_test.counts')).rows.map((r) => [r.type, r.n]));
    const total = Number((await pool.query('SELECT count(*) FROM store_test.events')).rows[0].count);
    const first = await counts();
    expect(Object.values(first).reduce((a: number, b) => a + Number(b), 0)).toBe(total);
    expect((await runner.lag()).behind).toBe(0);

    await runner.catchUp(); // nothing new: nothing counted twice
    expect(await counts()).toEqual(first);

    await store.append(pool, 'order-9', [{ type: 'A', data: {} }], { expectedVersion: 'no_stream' });
    await runner.catchUp();
    expect((await counts()).A).toBe(first.A + 1);

    await pool.query('UPDATE store_test.counts SET n = 999'); // corrupt the read model
    await runner.rebuild();
    expect((await counts()).A).toBe(first.A + 1);
    expect(Object.values(await counts()).reduce((a: number, b) => a + Number(b), 0)).toBe(total + 1);
  });
});
