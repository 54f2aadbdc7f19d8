import { createHash } from 'node:crypto';
import { createTestDatabase } from '@archipelago/testing-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import { parseSearchQuery } from '../../entity/search/search-query.js';
import { searchableFields } from '../../entity/search/searchable-fields.js';
import { ActivateDefinitionCommand } from '../../use-case/activate-definition/activate-definition.command.js';
import { ActivateDefinitionUseCase } from '../../use-case/activate-definition/activate-definition.use-case.js';
import { CreateDefinitionCommand } from '../../use-case/create-definition/create-definition.command.js';
import { CreateDefinitionUseCase } from '../../use-case/create-definition/create-definition.use-case.js';
import { DeactivateDefinitionCommand } from '../../use-case/deactivate-definition/deactivate-definition.command.js';
import { DeactivateDefinitionUseCase } from '../../use-case/deactivate-definition/deactivate-definition.use-case.js';
import { ModifyDefinitionCommand } from '../../use-case/modify-definition/modify-definition.command.js';
import { ModifyDefinitionUseCase } from '../../use-case/modify-definition/modify-definition.use-case.js';
import { migrateRegistry } from '../registry.data-source.js';
import { RegistryInfrastructure } from '../registry.infrastructure.js';
import { createExtensionIfAvailableSql } from '../migrations/1796540900000-registry-entity-search-trigram.migration.js';
import { EntitySearchIndexes } from './entity-search-indexes.js';
import { compileSearchFilter } from './search-filter.compiler.js';

// The indexFields indexes of the search read model on real Postgres (ADR 0012): built when a
// definition that asks for them serves, used by search's own SQL, dropped when it stops serving.
const ctx = { actor: 'admin-1' };
const member = {
  title: 'Member',
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer' },
    active: { type: 'boolean' },
    address: { type: 'object', properties: { city: { type: 'string' } } },
    tags: { type: 'array', items: { type: 'string' } },
    nationalId: { type: 'string' },
  },
  _osConfig: {
    privateFields: ['$.nationalId'],
    // name and (age, active) are indexable; address.city as JSON Pointer; tags is an array and
    // nationalId private (never searchable): neither is indexed; a duplicate entry counts once.
    indexFields: ['name', '(age, active)', '/address/city', 'tags', 'nationalId', '$.name'],
  },
};
let infrastructure: RegistryInfrastructure;

beforeAll(async () => {
  const url = await createTestDatabase('registry_search_indexes');
  await migrateRegistry(url, 'registry');
  infrastructure = await RegistryInfrastructure.open({ databaseUrl: url, schema: 'registry', transport: 'postgres' });
}, 120_000);

afterAll(async () => {
  await infrastructure?.close();
});

const indexes = async () =>
  (
    await infrastructure.pool.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'registry' AND indexname LIKE 'entity_search_ix_%' ORDER BY indexdef`,
    )
  ).rows;

describe('search indexes from indexFields', () => {
  it('builds one partial expression index per indexable entry when the definition serves, and search uses it', async () => {
    const definitions = infrastructure.definitions;
    await new CreateDefinitionUseCase(definitions).execute(new CreateDefinitionCommand(member, ctx));
    const id = definitionIdOf('Member');
    expect(await infrastructure.searchIndexes.reconcile()).toEqual({ created: [], dropped: [] }); // a draft asks for nothing
    await new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(id, ctx));
    await infrastructure.definitionProjectionRunner.catchUp();

    const pass = await infrastructure.searchIndexes.reconcile();
    expect(pass.created).toHaveLength(5);
    const defs = (await indexes()).map((i) => i.indexdef.replace(/^.* USING /, '')).sort();
    expect(defs).toEqual(
      [
        `btree (((body #> '{age}'::text[])), ((body #> '{active}'::text[]))) WHERE (definition_id = '${id}'::text)`,
        `btree (((body #>> '{address,city}'::text[])) COLLATE "C") WHERE (definition_id = '${id}'::text)`,
        `btree (((body #>> '{name}'::text[])) COLLATE "C") WHERE (definition_id = '${id}'::text)`,
        // One trigram index per string field (pg_trgm, created by the migration in the schema).
        `gin (((body #>> '{address,city}'::text[])) COLLATE "C" registry.gin_trgm_ops) WITH (fastupdate=off) WHERE (definition_id = '${id}'::text)`,
        `gin (((body #>> '{name}'::text[])) COLLATE "C" registry.gin_trgm_ops) WITH (fastupdate=off) WHERE (definition_id = '${id}'::text)`,
      ].sort(),
    );
    // A second pass changes nothing.
    expect(await infrastructure.searchIndexes.reconcile()).toEqual({ created: [], dropped: [] });

    // The planner takes the index for the SQL search compiles (seq scans off: the table is small):
    // for a string field eq, ranges, "any of" and startsWith the btree (a prefix is a range in the
    // index's collation, "C"), whatever the database's own collation is; endsWith and contains the
    // trigram index (a pattern of 3 characters or more, wildcards in the value escaped).
    // Rows of the type (statistics for the planner: a GIN index only wins over the type's partial
    // btree read whole once the table has rows).
    await infrastructure.pool.query(
      `INSERT INTO registry.entity_search (id, definition_id, status, version, body, updated_at, owner_keys)
       SELECT gen_random_uuid(), $1, 'active', 1,
              jsonb_build_object('name', 'Person ' || g, 'age', g % 90, 'active', g % 2 = 0,
                                 'address', jsonb_build_object('city', 'City ' || (g % 500))),
              now(), '{}'
         FROM generate_series(1, 5000) g`,
      [id],
    );
    await infrastructure.pool.query('ANALYZE registry.entity_search');
    const fields = searchableFields(member);
    for (const [filter, index, method] of [
      [{ name: { eq: 'Asha' } }, 'name', 'btree'],
      [{ name: { between: ['A', 'M'] } }, 'name', 'btree'],
      [{ name: { gt: 'Asha' } }, 'name', 'btree'],
      [{ name: { or: ['Asha', 'Bo'] } }, 'name', 'btree'],
      [{ name: { startsWith: 'As' } }, 'name', 'btree'],
      [{ 'address.city': { startsWith: 'Pu_e%' } }, 'address,city', 'btree'],
      [{ age: { gte: 18 }, active: { eq: true } }, 'age', 'btree'],
      [{ name: { endsWith: 'sha' } }, 'name', 'gin'],
      [{ name: { contains: 'sha' } }, 'name', 'gin'],
      [{ 'address.city': { endsWith: 'un_e%' } }, 'address,city', 'gin'],
      [{ 'address.city': { contains: 'une' } }, 'address,city', 'gin'],
    ] as const) {
      const query = parseSearchQuery({ filters: filter }, fields);
      const { where, params } = compileSearchFilter(query, { column: 'e.body', firstParam: 2 });
      const client = await infrastructure.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL enable_seqscan = off');
        const plan = (
          await client.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN SELECT e.id FROM registry.entity_search e WHERE e.definition_id = $1 AND (${where})`,
            [id, ...params],
          )
        ).rows.map((r) => r['QUERY PLAN']);
        await client.query('ROLLBACK');
        const used = (await indexes()).find(
          (i) => i.indexdef.includes(`'{${index}}'`) && i.indexdef.includes(` USING ${method} `),
        )!.indexname;
        // Taken with the field as its condition, not only scanned whole for its WHERE definition_id.
        expect(plan.join('\n'), JSON.stringify(filter)).toContain(used);
        expect(
          plan.some((line) => /Index Cond: /.test(line) && line.includes(`'{${index}}'`)),
          `${JSON.stringify(filter)}\n${plan.join('\n')}`,
        ).toBe(true);
      } finally {
        client.release();
      }
    }
  });

  it('endsWith and contains find the same entities through the trigram index as by a scan', async () => {
    // The index only preselects (trigrams are case-folded, wildcards dropped); the recheck must
    // keep LIKE's exact semantics: case, escaped % and _, non-ASCII, patterns under 3 characters.
    const id = definitionIdOf('Member');
    await infrastructure.pool.query(
      `INSERT INTO registry.entity_search (id, definition_id, status, version, body, updated_at, owner_keys)
       SELECT gen_random_uuid(), $1, 'active', 1, jsonb_build_object('name', n), now(), '{}'
         FROM unnest($2::text[]) n`,
      [id, ['Asha_K%', 'AshaXK1', 'ASHA', 'asha', 'Straße Ünïcode', 'strasse', 'ab', 'xab']],
    );
    await infrastructure.pool.query('ANALYZE registry.entity_search');
    const trigram = (await indexes()).find((i) => i.indexdef.includes(`USING gin (((body #>> '{name}'`))!.indexname;
    const fields = searchableFields(member);
    const names = async (filter: object, settings: string[]) => {
      const { where, params } = compileSearchFilter(parseSearchQuery({ filters: filter }, fields), {
        column: 'e.body',
        firstParam: 2,
      });
      const client = await infrastructure.pool.connect();
      try {
        await client.query('BEGIN');
        for (const setting of settings) await client.query(`SET LOCAL ${setting} = off`);
        const sql = `SELECT e.body #>> '{name}' AS name FROM registry.entity_search e WHERE e.definition_id = $1 AND (${where})`;
        const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [id, ...params])).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
        const { rows } = await client.query<{ name: string }>(`${sql} ORDER BY 1`, [id, ...params]);
        await client.query('ROLLBACK');
        return { plan, names: rows.map((r) => r.name) };
      } finally {
        client.release();
      }
    };
    for (const [filter, expected] of [
      [{ name: { endsWith: '_K%' } }, ['Asha_K%']],
      [{ name: { contains: 'sha_' } }, ['Asha_K%']],
      [{ name: { contains: 'sha' } }, ['Asha_K%', 'AshaXK1', 'asha']],
      [{ name: { endsWith: 'SHA' } }, ['ASHA']],
      [{ name: { contains: 'aße Ün' } }, ['Straße Ünïcode']],
      [{ name: { endsWith: 'ab' } }, ['ab', 'xab']],
      [{ name: { endsWith: 'son 4999' } }, ['Person 4999']], // one of the 5,000 rows above
    ] as const) {
      const indexed = await names(filter, ['enable_seqscan']);
      const scanned = await names(filter, ['enable_indexscan', 'enable_bitmapscan']);
      // 'ab' has no trigram of its own (a scan of the type's rows is fine there, documented).
      if (!JSON.stringify(filter).includes('"ab"')) expect(indexed.plan, JSON.stringify(filter)).toContain(trigram);
      expect(scanned.plan, JSON.stringify(filter)).not.toContain('entity_search_ix_');
      expect(indexed.names, JSON.stringify(filter)).toEqual([...expected].sort());
      expect(scanned.names, JSON.stringify(filter)).toEqual([...expected].sort());
    }
  });

  it('drops the indexes of a definition that no longer serves', async () => {
    await new DeactivateDefinitionUseCase(infrastructure.definitions).execute(
      new DeactivateDefinitionCommand(definitionIdOf('Member'), ctx),
    );
    await infrastructure.definitionProjectionRunner.catchUp();
    const pass = await infrastructure.searchIndexes.reconcile();
    expect(pass.dropped).toHaveLength(5); // the trigram indexes too
    expect(await indexes()).toEqual([]);
  });

  it('follows activation of a version with other indexFields: the old index is dropped, the new one built', async () => {
    const versioned = (indexFields: string[]) => ({
      title: 'Versioned',
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
      _osConfig: { indexFields },
    });
    const definitions = infrastructure.definitions;
    const { id } = await new CreateDefinitionUseCase(definitions).execute(
      new CreateDefinitionCommand(versioned(['name']), ctx),
    );
    await new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(id, ctx));
    await infrastructure.definitionProjectionRunner.catchUp();
    const v1 = await infrastructure.searchIndexes.reconcile();
    expect(v1.created).toHaveLength(2);
    const mine = async () =>
      (await indexes()).filter((i) => i.indexdef.includes(id)).map((i) => i.indexdef.replace(/^.* USING /, ''));
    expect((await mine()).sort()).toEqual([
      `btree (((body #>> '{name}'::text[])) COLLATE "C") WHERE (definition_id = '${id}'::text)`,
      `gin (((body #>> '{name}'::text[])) COLLATE "C" registry.gin_trgm_ops) WITH (fastupdate=off) WHERE (definition_id = '${id}'::text)`,
    ]);

    // v2 in draft: v1 keeps serving, so its index stays.
    await new ModifyDefinitionUseCase(definitions).execute(new ModifyDefinitionCommand(id, versioned(['age']), ctx));
    await infrastructure.definitionProjectionRunner.catchUp();
    expect(await infrastructure.searchIndexes.reconcile()).toEqual({ created: [], dropped: [] });

    await new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(id, ctx));
    await infrastructure.definitionProjectionRunner.catchUp();
    const v2 = await infrastructure.searchIndexes.reconcile();
    // name is no longer indexed: its btree and its trigram index go; age (a number) gets a btree only.
    expect(v2).toEqual({ created: [expect.any(String)], dropped: expect.arrayContaining([...v1.created]) });
    expect(v2.dropped).toHaveLength(2);
    expect(await mine()).toEqual([`btree (((body #> '{age}'::text[]))) WHERE (definition_id = '${id}'::text)`]);
  });

  it('replaces the index an earlier release built for a string field (no COLLATE "C": no startsWith) on its first pass', async () => {
    const definitions = infrastructure.definitions;
    const { id } = await new CreateDefinitionUseCase(definitions).execute(
      new CreateDefinitionCommand(
        {
          title: 'Upgraded',
          type: 'object',
          properties: { name: { type: 'string' } },
          _osConfig: { indexFields: ['name'] },
        },
        ctx,
      ),
    );
    await new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(id, ctx));
    await infrastructure.definitionProjectionRunner.catchUp();
    // Named and written as the reconciler did until 2026-12-07 (sha256 of the id and the expression).
    const earlierColumns = `(body #>> '{name}')`;
    const earlier = `entity_search_ix_${createHash('sha256').update(`${id}|${earlierColumns}`).digest('hex').slice(0, 24)}`;
    await infrastructure.pool.query(
      `CREATE INDEX "${earlier}" ON registry.entity_search (${earlierColumns}) WHERE definition_id = '${id}'`,
    );

    const pass = await infrastructure.searchIndexes.reconcile();
    expect(pass).toEqual({ created: [expect.any(String), expect.any(String)], dropped: [earlier] });
    expect(pass.created).not.toContain(earlier);
    expect(
      (await indexes())
        .filter((i) => i.indexdef.includes(id))
        .map((i) => i.indexname)
        .sort(),
    ).toEqual([...pass.created].sort());
  });
});

describe('without pg_trgm (a managed database that does not offer it)', () => {
  it('migrates when the extension cannot be created', async () => {
    // The migration's statement, for an extension whose files are not installed (undefined_file).
    await expect(
      infrastructure.pool.query(createExtensionIfAvailableSql('archipelago_no_such_extension', 'registry')),
    ).resolves.toBeDefined();
    const { rows } = await infrastructure.pool.query(
      `SELECT 1 FROM pg_extension WHERE extname = 'archipelago_no_such_extension'`,
    );
    expect(rows).toEqual([]);
  });

  it('builds the btree indexes only, says so once, and endsWith/contains still answer (a scan)', async () => {
    const url = await createTestDatabase('registry_search_indexes_no_trgm');
    await migrateRegistry(url, 'registry');
    const bare = await RegistryInfrastructure.open({ databaseUrl: url, schema: 'registry', transport: 'postgres' });
    try {
      await bare.pool.query('DROP EXTENSION pg_trgm');
      const { id } = await new CreateDefinitionUseCase(bare.definitions).execute(
        new CreateDefinitionCommand({ ...member, title: 'Plain' }, ctx),
      );
      await new ActivateDefinitionUseCase(bare.definitions).execute(new ActivateDefinitionCommand(id, ctx));
      await bare.definitionProjectionRunner.catchUp();
      let noted = 0;
      const reconciler = new EntitySearchIndexes(bare.pool, 'registry', bare.definitions, {
        onTrigramUnavailable: () => noted++,
      });
      expect((await reconciler.reconcile()).created).toHaveLength(3);
      expect(await reconciler.reconcile()).toEqual({ created: [], dropped: [] });
      expect(noted).toBe(1);
      const { rows } = await bare.pool.query<{ method: string }>(
        `SELECT am.amname AS method FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
          WHERE c.relname LIKE 'entity_search_ix_%'`,
      );
      expect(rows.map((r) => r.method)).toEqual(['btree', 'btree', 'btree']);

      await bare.pool.query(
        `INSERT INTO registry.entity_search (id, definition_id, status, version, body, updated_at, owner_keys)
         VALUES (gen_random_uuid(), $1, 'active', 1, '{"name": "Asha Kumar", "address": {"city": "Pune"}}', now(), '{}')`,
        [id],
      );
      const fields = searchableFields(member);
      for (const filter of [{ name: { endsWith: 'Kumar' } }, { 'address.city': { contains: 'un' } }]) {
        const page = await bare.entitySearch.search(id, parseSearchQuery({ filters: filter }, fields), []);
        expect(page.totalCount, JSON.stringify(filter)).toBe(1);
      }
    } finally {
      await bare.close();
    }
  });
});
