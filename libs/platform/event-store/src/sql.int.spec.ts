import { createTestDatabase } from '@archipelago/testing-harness';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterCommit, inTransaction } from './sql.js';

let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await createTestDatabase('sql_after_commit'), max: 3 });
});
afterAll(async () => pool.end());

describe('afterCommit', () => {
  it('runs hooks once after COMMIT of an inTransaction unit of work, never after ROLLBACK', async () => {
    const calls: string[] = [];
    await inTransaction(pool, async (client) => {
      expect(afterCommit(client, () => calls.push('a'))).toBe(true);
      expect(afterCommit(client, () => calls.push('b'))).toBe(true);
      expect(calls).toEqual([]);
    });
    expect(calls).toEqual(['a', 'b']);

    await inTransaction(pool, async (client) => {
      afterCommit(client, () => calls.push('rolled back'));
      throw new Error('no');
    }).catch(() => undefined);
    expect(calls).toEqual(['a', 'b']);
  });

  it('refuses clients that are not inside inTransaction (a pool, a transaction opened elsewhere)', async () => {
    expect(afterCommit(pool, () => undefined)).toBe(false);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      expect(afterCommit(client, () => undefined)).toBe(false);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('does not fail a committed transaction when a hook throws, and still runs the others', async () => {
    const calls: string[] = [];
    const result = await inTransaction(pool, async (client) => {
      afterCommit(client, () => {
        throw new Error('hook failed');
      });
      afterCommit(client, () => calls.push('second'));
      return 42;
    });
    expect(result).toBe(42);
    expect(calls).toEqual(['second']);
  });
});
