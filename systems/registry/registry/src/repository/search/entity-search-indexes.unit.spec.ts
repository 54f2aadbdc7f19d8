import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SearchIndexSpec } from '../../entity/search/search-indexes.js';
import { plannedSearchIndexes } from './entity-search-indexes.js';

// What the reconciler wants for one serving definition (ADR 0012): a btree per indexFields entry,
// and a trigram GIN per string column when pg_trgm is installed.
const ID = '1bd23c91-3379-b65b-11cc-64984050e35c';
const name = { path: ['name'], kind: 'string' } as const;
const city = { path: ['address', 'city'], kind: 'string' } as const;
const age = { path: ['age'], kind: 'number' } as const;
const specs: SearchIndexSpec[] = [{ columns: [name] }, { columns: [age, city] }, { columns: [city] }];
const TRGM = '"registry".gin_trgm_ops';

describe('plannedSearchIndexes', () => {
  it('without pg_trgm: one btree per entry, named as before trigram indexes existed', () => {
    const planned = plannedSearchIndexes('registry', ID, specs);
    expect([...planned.values()]).toEqual([
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS "${[...planned.keys()][0]}" ON "registry".entity_search USING btree (((body #>> '{name}') COLLATE "C")) WHERE definition_id = '${ID}'`,
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS "${[...planned.keys()][1]}" ON "registry".entity_search USING btree ((body #> '{age}'), ((body #>> '{address,city}') COLLATE "C")) WHERE definition_id = '${ID}'`,
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS "${[...planned.keys()][2]}" ON "registry".entity_search USING btree (((body #>> '{address,city}') COLLATE "C")) WHERE definition_id = '${ID}'`,
    ]);
    // The names the reconciler already gave these btrees: an upgrade keeps them (nothing rebuilt).
    const hash = (key: string) => `entity_search_ix_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
    expect([...planned.keys()][0]).toBe(hash(`${ID}|((body #>> '{name}') COLLATE "C")`));
  });

  it('with pg_trgm: also one trigram GIN per string column (once, however many entries name it), on the same expression', () => {
    const planned = plannedSearchIndexes('registry', ID, specs, TRGM);
    const withoutTrgm = plannedSearchIndexes('registry', ID, specs);
    const gin = [...planned].filter(([key]) => !withoutTrgm.has(key));
    expect(gin.map(([, ddl]) => ddl.replace(/^.* USING /, ''))).toEqual([
      `gin (((body #>> '{name}') COLLATE "C") "registry".gin_trgm_ops) WITH (fastupdate = off) WHERE definition_id = '${ID}'`,
      `gin (((body #>> '{address,city}') COLLATE "C") "registry".gin_trgm_ops) WITH (fastupdate = off) WHERE definition_id = '${ID}'`,
    ]);
    expect(planned.size).toBe(5);
    for (const [key] of gin) expect(key).toMatch(/^entity_search_ix_[0-9a-f]{24}$/);
  });

  it('names depend on the definition: two types with the same field get their own indexes', () => {
    const other = plannedSearchIndexes('registry', 'e757aa6e-d39a-2db7-6345-473ddd8aadb2', specs, TRGM);
    const mine = plannedSearchIndexes('registry', ID, specs, TRGM);
    expect([...other.keys()].filter((key) => mine.has(key))).toEqual([]);
  });

  it('a number or boolean entry gets no trigram index', () => {
    const planned = plannedSearchIndexes('registry', ID, [{ columns: [age] }], TRGM);
    expect([...planned.values()].map((ddl) => ddl.match(/USING (\w+)/)![1])).toEqual(['btree']);
  });
});
