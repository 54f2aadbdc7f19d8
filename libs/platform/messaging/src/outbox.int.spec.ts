import { inTransaction, platformSchemaSql } from '@archipelago/platform-event-store';
import { createTestDatabase } from '@archipelago/testing-harness';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox, outboxChannel } from './outbox.js';

// How the outbox wakes its relay: after COMMIT in-process for `inTransaction` units of work (no
// NOTIFY, whose commit-time lock serialises writers), NOTIFY only as the fallback.
describe('Outbox wake-up', () => {
  let pool: pg.Pool;
  let listener: pg.Client;
  const notifications: string[] = [];
  const message = { topic: 'testsys.pub.thing-happened.v1', key: 'k', type: 'archipelago.testsys.pub.ThingHappenedV1', payload: { n: 1 } };
  const channel = outboxChannel('wake');

  beforeAll(async () => {
    const url = await createTestDatabase('outbox_wake');
    pool = new pg.Pool({ connectionString: url, max: 4 });
    await pool.query(platformSchemaSql('wake'));
    listener = new pg.Client({ connectionString: url });
    await listener.connect();
    listener.on('notification', (n) => notifications.push(n.channel));
    await listener.query(`LISTEN ${channel}`);
  });
  afterAll(async () => {
    await listener?.end();
    await pool?.end();
  });

  /** Round trip on the listening connection: notifications sent before it have been received. */
  const drainNotifications = () => listener.query('SELECT 1');

  it('wakes in-process once after commit, without NOTIFY, inside inTransaction', async () => {
    let wakes = 0;
    const outbox = new Outbox('wake', { afterCommit: () => wakes++, notifyChannel: channel });
    notifications.length = 0;
    await inTransaction(pool, async (client) => {
      await outbox.add(client, [message]);
      expect(wakes).toBe(0); // not before the rows are visible
    });
    expect(wakes).toBe(1);
    await drainNotifications();
    expect(notifications).toEqual([]);
    expect(Number((await pool.query('SELECT count(*) FROM wake.outbox')).rows[0].count)).toBe(1);
  });

  it('does not wake for a rolled-back transaction', async () => {
    let wakes = 0;
    const outbox = new Outbox('wake', { afterCommit: () => wakes++, notifyChannel: channel });
    await inTransaction(pool, async (client) => {
      await outbox.add(client, [message]);
      throw new Error('roll back');
    }).catch(() => undefined);
    expect(wakes).toBe(0);
  });

  it('falls back to NOTIFY for a transaction opened elsewhere', async () => {
    let wakes = 0;
    const outbox = new Outbox('wake', { afterCommit: () => wakes++, notifyChannel: channel });
    notifications.length = 0;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await outbox.add(client, [message]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await drainNotifications();
    expect(wakes).toBe(0);
    expect(notifications).toEqual([channel]);
  });
});
