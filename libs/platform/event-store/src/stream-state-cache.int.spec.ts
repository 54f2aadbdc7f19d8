import { createTestDatabase } from '@archipelago/testing-harness';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from './event-store.js';
import { platformSchemaSql } from './event-store.schema.js';
import type { RecordedEvent } from './event-store.types.js';
import { inTransaction } from './sql.js';
import { StreamStateCache } from './stream-state-cache.js';

let pool: pg.Pool;
const store = new PostgresEventStore('cache_test');

/** A counter stream: state = the list of `n`s folded so far, plus how many events were folded. */
interface Counter {
  readonly ns: readonly number[];
}
const folded: string[] = [];
const cacheOf = (maxStreams?: number) =>
  new StreamStateCache<Counter>(store, {
    initialState: () => ({ ns: [] }),
    evolve: (state, event: RecordedEvent) => {
      folded.push(event.id);
      return { ns: [...state.ns, (event.data as { n: number }).n] };
    },
    maxStreams,
  });
const add = (streamId: string, ns: number[], expectedVersion: number) =>
  store.append(pool, streamId, ns.map((n) => ({ type: 'Added', data: { n } })), { expectedVersion });

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await createTestDatabase('stream_state_cache'), max: 5 });
  await pool.query(platformSchemaSql('cache_test'));
});
afterAll(async () => pool.end());

describe('StreamStateCache', () => {
  it('gives the same state and version as folding the whole stream, folding only new events on later loads', async () => {
    const cache = cacheOf();
    expect(await cache.load(pool, 's-1')).toEqual({ state: { ns: [] }, version: 0 });
    await add('s-1', [1, 2, 3], 0);
    folded.length = 0;
    expect(await cache.load(pool, 's-1')).toEqual({ state: { ns: [1, 2, 3] }, version: 3 });
    expect(folded).toHaveLength(3);

    await add('s-1', [4], 3);
    folded.length = 0;
    expect(await cache.load(pool, 's-1')).toEqual({ state: { ns: [1, 2, 3, 4] }, version: 4 });
    expect(folded).toHaveLength(1); // only the new event

    folded.length = 0;
    expect(await cache.load(pool, 's-1')).toEqual({ state: { ns: [1, 2, 3, 4] }, version: 4 });
    expect(folded).toHaveLength(0);
  });

  it('sees events another writer (another process) appended meanwhile', async () => {
    const mine = cacheOf();
    const theirs = cacheOf();
    await add('s-2', [1], 0);
    expect((await mine.load(pool, 's-2')).version).toBe(1);
    await add('s-2', [2], (await theirs.load(pool, 's-2')).version);
    expect(await mine.load(pool, 's-2')).toEqual({ state: { ns: [1, 2] }, version: 2 });
  });

  it('drops a cached event that was rolled back and folds the stream again', async () => {
    const cache = cacheOf();
    await add('s-3', [1], 0);
    // Read inside a transaction after its own (uncommitted) append, then roll back.
    await expect(
      inTransaction(pool, async (client) => {
        await store.append(client, 's-3', [{ type: 'Added', data: { n: 99 } }], { expectedVersion: 1 });
        expect(await cache.load(client, 's-3')).toEqual({ state: { ns: [1, 99] }, version: 2 });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await cache.load(pool, 's-3')).toEqual({ state: { ns: [1] }, version: 1 });
    // Another event committed at the rolled-back version: the cache must not keep the old one.
    await add('s-3', [2], 1);
    await inTransaction(pool, async (client) => {
      await store.append(client, 's-3', [{ type: 'Added', data: { n: 98 } }], { expectedVersion: 2 });
      await cache.load(client, 's-3');
      throw new Error('roll back');
    }).catch(() => undefined);
    await add('s-3', [3], 2);
    expect(await cache.load(pool, 's-3')).toEqual({ state: { ns: [1, 2, 3] }, version: 3 });
  });

  it('keeps at most maxStreams streams, least recently used dropped first', async () => {
    const cache = cacheOf(2);
    for (const id of ['l-1', 'l-2', 'l-3']) await add(id, [1], 0);
    await cache.load(pool, 'l-1');
    await cache.load(pool, 'l-2');
    await cache.load(pool, 'l-1');
    await cache.load(pool, 'l-3'); // evicts l-2
    expect(cache.size).toBe(2);
    folded.length = 0;
    await cache.load(pool, 'l-1');
    expect(folded).toHaveLength(0);
    await cache.load(pool, 'l-2');
    expect(folded).toHaveLength(1); // folded again from the start
  });
});
