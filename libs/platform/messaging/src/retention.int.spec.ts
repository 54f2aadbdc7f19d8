import { inTransaction, platformSchemaSql } from '@archipelago/platform-event-store';
import { createTestDatabase } from '@archipelago/testing-harness';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Inbox } from './inbox.js';
import type { IncomingMessage } from './message.types.js';
import { Messaging, type MessagingOptions } from './messaging.js';
import { Outbox } from './outbox.js';
import { MessagingRetention, type RetentionCounts } from './retention.js';

/** Polls `check` until it returns true (or fails after `ms`). */
async function eventually(check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const HOUR_MS = 3_600_000;
/** Retention of these tests: outbox 7 days, inbox 14, dead letters 30 (the defaults); "old" rows are made older in SQL. */
const policy = { outboxMs: 168 * HOUR_MS, inboxMs: 336 * HOUR_MS, deadLetterMs: 720 * HOUR_MS, intervalMs: 0 } as const;
const topic = 'testsys.pub.thing-happened.v1';

// Retention of the messaging tables on a real Postgres. Rows are made old by moving their
// timestamps back in SQL; nothing sleeps.
describe('MessagingRetention', () => {
  let url: string;
  let pool: pg.Pool;
  const outbox = new Outbox('pub');

  beforeAll(async () => {
    url = await createTestDatabase('retention');
    pool = new pg.Pool({ connectionString: url, max: 10 });
    await pool.query(platformSchemaSql('pub'));
    await pool.query(platformSchemaSql('sub'));
  });
  afterAll(async () => {
    await pool?.end();
  });
  beforeEach(async () => {
    for (const schema of ['pub', 'sub']) {
      await pool.query(
        `TRUNCATE ${schema}.outbox, ${schema}.inbox, ${schema}.dead_letters, ${schema}.consumer_checkpoints`,
      );
    }
  });

  /** Adds `n` messages in one transaction; returns their ids in order. */
  const publish = async (n: number, from = 0): Promise<string[]> =>
    inTransaction(pool, (client) =>
      outbox.add(
        client,
        Array.from({ length: n }, (_, i) => ({
          topic,
          key: `k${(from + i) % 3}`,
          type: 'archipelago.testsys.pub.ThingHappenedV1',
          payload: { n: from + i },
        })),
      ),
    );
  const outboxIds = async (schema = 'pub'): Promise<string[]> =>
    (await pool.query<{ message_id: string }>(`SELECT message_id FROM ${schema}.outbox ORDER BY position`)).rows.map(
      (r) => r.message_id,
    );
  /** Moves `created_at` (and a set `published_at`) of `ids` back by `hours`. */
  const age = async (ids: readonly string[], hours: number) =>
    pool.query(
      `UPDATE pub.outbox SET created_at = created_at - make_interval(hours => $2),
         published_at = published_at - make_interval(hours => $2) WHERE message_id = ANY($1::uuid[])`,
      [ids, hours],
    );
  const markPublished = async (ids: readonly string[]) =>
    pool.query('UPDATE pub.outbox SET published_at = now() WHERE message_id = ANY($1::uuid[])', [ids]);
  /** Messaging of service `service` (schema of the same name) over the postgres transport. */
  const postgresMessaging = (service: string, retention: MessagingOptions['retention']) =>
    new Messaging({
      transport: 'postgres',
      system: 'testsys',
      service,
      schema: service,
      pool,
      databaseUrl: url,
      retention,
    });
  const retention = (options: Partial<ConstructorParameters<typeof MessagingRetention>[2]> = {}) =>
    new MessagingRetention(pool, 'pub', { transport: 'kafka', ...policy, ...options });

  describe('outbox, kafka transport', () => {
    it('deletes rows published longer ago than the retention, in batches, and never an unpublished row', async () => {
      const stuck = await publish(3); // never published (e.g. a broker rejecting them), and old
      const expired = await publish(25);
      const recentPublished = await publish(3);
      const recentPending = await publish(1);
      await markPublished([...expired, ...recentPublished]);
      await age([...stuck, ...expired], 200);
      // Published 200 h ago but only just created? Impossible; published recently long after creation: stays.
      const lateRelay = await publish(2);
      await age(lateRelay, 200);
      await markPublished(lateRelay);

      const deleted = await retention({ batchSize: 7 }).runOnce();

      expect(deleted).toEqual({ outbox: 25, inbox: 0, dead_letters: 0 });
      expect(await outboxIds()).toEqual([...stuck, ...recentPublished, ...recentPending, ...lateRelay]);
    });

    it('keeps everything younger than the retention', async () => {
      const ids = await publish(5);
      await markPublished(ids);
      await age(ids, 167);
      expect(await retention().runOnce()).toEqual({ outbox: 0, inbox: 0, dead_letters: 0 });
      expect(await outboxIds()).toEqual(ids);
    });
  });

  describe('outbox, postgres transport (the outbox is the log other services read)', () => {
    it('a consumer group with a checkpoint keeps consuming new rows, once each, after old rows are deleted; a new group starts at the oldest kept row', async () => {
      const consumer = postgresMessaging('sub', { intervalMs: 0 });
      try {
        const seen: IncomingMessage[] = [];
        await consumer.subscribe('testsys.sub', [topic], async (message) => {
          seen.push(message);
        });
        const old = await publish(12);
        await eventually(() => seen.length === 12);
        const fresh = await publish(4, 12);
        await age(old, 200);

        const deleted = await new MessagingRetention(pool, 'pub', {
          transport: 'postgres',
          ...policy,
          batchSize: 5,
        }).runOnce();
        expect(deleted?.outbox).toBe(12);
        expect(await outboxIds()).toEqual(fresh);

        const more = await publish(3, 16);
        await eventually(() => seen.length >= 19);
        const late: IncomingMessage[] = [];
        await consumer.subscribe('testsys.late', [topic], async (message) => {
          late.push(message);
        });
        await eventually(() => late.length >= 7);
        await consumer.close();
        expect(seen.map((m) => m.id)).toEqual([...old, ...fresh, ...more]);
        expect(late.map((m) => m.id)).toEqual([...fresh, ...more]);
      } finally {
        await consumer.close();
      }
    });

    it('does not delete rows committed above the oldest running transaction (readers cannot have read them yet)', async () => {
      const running = await pool.connect();
      try {
        await running.query('BEGIN');
        await running.query('SELECT pg_current_xact_id()'); // takes a transaction id: holds back xmin
        const above = await publish(2);
        await age(above, 200);
        const job = new MessagingRetention(pool, 'pub', { transport: 'postgres', ...policy });
        expect((await job.runOnce())?.outbox).toBe(0);
        await running.query('COMMIT');
        expect((await job.runOnce())?.outbox).toBe(2);
        expect(await outboxIds()).toEqual([]);
      } finally {
        await running.query('ROLLBACK').catch(() => undefined);
        running.release();
      }
    });
  });

  describe('inbox', () => {
    it('deletes rows processed longer ago than the inbox retention, in batches; recent ones still deduplicate a redelivery', async () => {
      const inbox = new Inbox(pool, 'pub', 'testsys.pub');
      const message = (id: number): IncomingMessage => ({
        id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
        topic,
        key: 'k',
        type: 't',
        source: '/testsys/other',
        time: new Date().toISOString(),
        payload: {},
        headers: {},
      });
      let effects = 0;
      for (let i = 0; i < 23; i++) await inbox.handleOnce(message(i), async () => void effects++);
      await pool.query(
        `UPDATE pub.inbox SET processed_at = processed_at - interval '337 hours' WHERE message_id < $1`,
        [message(20).id],
      );

      const deleted = await retention({ batchSize: 6 }).runOnce();

      expect(deleted).toEqual({ outbox: 0, inbox: 20, dead_letters: 0 });
      const { rows } = await pool.query<{ message_id: string }>('SELECT message_id FROM pub.inbox ORDER BY message_id');
      expect(rows.map((r) => r.message_id)).toEqual([message(20).id, message(21).id, message(22).id]);
      expect(await inbox.handleOnce(message(21), async () => void effects++)).toBe(false);
      expect(effects).toBe(23);
    });
  });

  describe('dead letters', () => {
    it('deletes dead letters replayed longer ago than their retention and never an unresolved one', async () => {
      type Ages = [failedHoursAgo: number, requestedHoursAgo: number | null, replayedHoursAgo: number | null];
      const insert = ([failedHoursAgo, requestedHoursAgo, replayedHoursAgo]: Ages) =>
        pool.query<{ id: string }>(
          `INSERT INTO pub.dead_letters (consumer_group, topic, message_id, message_type, payload, attempts, error, failed_at, replay_requested_at, replayed_at)
           VALUES ('g', $1, gen_random_uuid()::text, 't', '{}', 3, 'boom', now() - make_interval(hours => $2),
                   now() - make_interval(hours => $3), now() - make_interval(hours => $4)) RETURNING id`,
          [topic, failedHoursAgo, requestedHoursAgo, replayedHoursAgo],
        );
      const ids: Record<string, string> = {};
      for (const [name, args] of Object.entries({
        replayedLongAgo: [900, 800, 800],
        replayedLongAgo2: [900, 730, 721],
        replayedRecently: [900, 10, 10],
        unresolvedOld: [900, null, null],
        replayRequestedOld: [900, 900, null],
      } satisfies Record<string, Ages>)) {
        ids[name] = (await insert(args)).rows[0]!.id;
      }

      expect(await retention().runOnce()).toEqual({ outbox: 0, inbox: 0, dead_letters: 2 });
      const { rows } = await pool.query<{ id: string }>('SELECT id FROM pub.dead_letters ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual([ids.replayedRecently, ids.unresolvedOld, ids.replayRequestedOld]);
    });
  });

  it('two jobs at once (replicas) both succeed and delete each expired row once', async () => {
    const expired = await publish(40);
    const recent = await publish(5);
    await markPublished([...expired, ...recent]);
    await age(expired, 200);
    const otherPool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const results = await Promise.all([
        retention({ batchSize: 3 }).runOnce(),
        new MessagingRetention(otherPool, 'pub', { transport: 'kafka', ...policy, batchSize: 3 }).runOnce(),
        retention({ batchSize: 3 }).runOnce(),
      ]);
      const ran = results.filter((r): r is RetentionCounts => r !== null);
      expect(ran.length).toBeGreaterThan(0);
      expect(ran.reduce((sum, r) => sum + r.outbox, 0)).toBe(40);
      expect(await outboxIds()).toEqual(recent);
    } finally {
      await otherPool.end();
    }
  });

  it('runs with Messaging from start() to close(), reporting each pass; errors are reported and the job keeps running', async () => {
    const expired = await publish(4);
    await markPublished(expired);
    await age(expired, 200);
    const passes: RetentionCounts[] = [];
    const messaging = postgresMessaging('pub', {
      ...policy,
      intervalMs: 10,
      onPass: (deleted) => passes.push(deleted),
    });
    await messaging.start();
    await eventually(() => passes.length >= 2);
    await messaging.close();
    const count = passes.length;
    expect(passes[0]).toEqual({ outbox: 4, inbox: 0, dead_letters: 0 });
    expect(await outboxIds()).toEqual([]);

    const errors: unknown[] = [];
    const broken = new MessagingRetention(pool, 'no_such_schema', {
      transport: 'kafka',
      ...policy,
      intervalMs: 10,
      onError: (e) => errors.push(e),
    });
    broken.start();
    await eventually(() => errors.length >= 2);
    await broken.stop();
    expect(String(errors[0])).toContain('no_such_schema');
    expect(passes.length).toBe(count); // closed: no pass after close()
  });
});
