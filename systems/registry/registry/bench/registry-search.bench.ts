/**
 * `npm run bench -- registry-search`: searching 100,000 entities of one type (issue 14 §4: an indexed
 * field answers in < 50 ms p95 on the 2-core reference machine).
 *
 * Starts its own embedded Postgres (temporary data directory), migrates the registry schema and
 * loads, with one set-based INSERT each, BENCH_ENTITIES (100,000) rows of a Student-like type into
 * the `entity_search` read model (what the projection writes: body without private fields, owner
 * keys) and BENCH_OTHER_ENTITIES (50,000) of another type (read around, never matched). Then, with
 * BENCH_QUERIES (300) queries per case, each with another value, on one connection:
 *  - baseline: the row of one entity by primary key (`SELECT … WHERE id = $1`), the cheapest read of
 *    the same table;
 *  - eq on `identityDetails.fullName`, the field `indexFields` names, before the service's index
 *    reconciler ran (only the migrations' indexes: GIN jsonb_path_ops on body, `(definition_id, id)`),
 *    through the real search path: `parseSearchQuery` with the type's searchable fields, then
 *    `EntitySearchReadModel.search` (compiled filter, bound values);
 *  - the same after the service's own `EntitySearchIndexes.reconcile()` built the partial expression
 *    index ADR 0012 keeps per `indexFields` entry of the serving definition (published and activated
 *    through the use cases, as an administrator would);
 *  - endsWith and contains on the same field before the reconciler ran (scans of the type's rows);
 *  - the same after the service's own `EntitySearchIndexes.reconcile()` built the partial expression
 *    indexes ADR 0012 keeps per `indexFields` entry of the serving definition (published and activated
 *    through the use cases, as an administrator would): a btree and, pg_trgm being installed by the
 *    migration, a trigram GIN on the same expression;
 *  - startsWith on the same field, served by the btree (built in collation "C", where a prefix
 *    is a range of the btree; the database's own collation is C.UTF-8 here, which PostgreSQL does not
 *    treat as "C", like a linguistic one in production), endsWith and contains on it (the trigram
 *    index), and a range on a number field (`grade between`) with no index, each paged (limit 20).
 * Then the write cost of those indexes, with no field index (before the reconciler), with the btree
 * and the trigram index, and with the btree only (the trigram index dropped by hand at the end):
 * BENCH_WRITES (300) one-row INSERTs of the type, each its own transaction (what the search
 * projection adds per entity), p50/p95; and one INSERT of 10,000 rows of the type, rolled back,
 * median of 3 (the index maintenance without the commit's WAL flush). Ratios to the state without
 * field index.
 * Prints p50/p95 in ms of each and its ratio to the baseline (same run), and the load average
 * (1 min) before and after; checks every eq found its entity and every startsWith, endsWith and contains
 * at least that one.
 * Writes `reports/bench/registry-search.json`.
 * Environment: BENCH_ENTITIES (100000), BENCH_OTHER_ENTITIES (50000), BENCH_QUERIES (300), BENCH_WRITES (300),
 * BENCH_REPORT.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { percentile, printFigures } from './figures.js';
import { startLocalPostgres, type LocalPostgres } from '@archipelago/platform-local-postgres';
import { ActivateDefinitionCommand } from '../src/use-case/activate-definition/activate-definition.command.js';
import { ActivateDefinitionUseCase } from '../src/use-case/activate-definition/activate-definition.use-case.js';
import { CreateDefinitionCommand } from '../src/use-case/create-definition/create-definition.command.js';
import { CreateDefinitionUseCase } from '../src/use-case/create-definition/create-definition.use-case.js';
import { RegistryInfrastructure } from '../src/repository/registry.infrastructure.js';
import { parseSearchQuery } from '../src/entity/search/search-query.js';
import { searchableFields } from '../src/entity/search/searchable-fields.js';
import { migrateRegistry } from '../src/repository/registry.data-source.js';

const config = {
  entities: Number(process.env.BENCH_ENTITIES ?? 100_000),
  others: Number(process.env.BENCH_OTHER_ENTITIES ?? 50_000),
  queries: Number(process.env.BENCH_QUERIES ?? 300),
  writes: Number(process.env.BENCH_WRITES ?? 300),
  report: resolve(process.env.BENCH_REPORT ?? 'reports/bench/registry-search.json'),
};
const SCHEMA = 'registry';
const STUDENT = '1bd23c91-3379-b65b-11cc-64984050e35c';
const OTHER = 'e757aa6e-d39a-2db7-6345-473ddd8aadb2';

/** The searchable shape of the loaded type (private e-mail left out of the rows, as the projection does). */
const studentSchema = {
  title: 'Student',
  type: 'object',
  properties: {
    identityDetails: {
      type: 'object',
      properties: { fullName: { type: 'string' }, gender: { type: 'string' }, grade: { type: 'integer' } },
    },
    contactDetails: { type: 'object', properties: { email: { type: 'string' } } },
  },
  _osConfig: { privateFields: ['$.contactDetails.email'], indexFields: ['identityDetails.fullName'] },
};

async function load(client: pg.Client, definitionId: string, prefix: string, count: number): Promise<void> {
  await client.query(
    `INSERT INTO ${SCHEMA}.entity_search (id, definition_id, status, version, body, updated_at, owner_keys)
     SELECT md5($1 || g)::uuid, $2, 'active', 1,
            jsonb_build_object('identityDetails', jsonb_build_object(
              'fullName', $1 || ' ' || g, 'gender', CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END, 'grade', 1 + g % 12)),
            now(), ARRAY[md5('owner' || $1 || g)]
       FROM generate_series(1, $3::int) g`,
    [prefix, definitionId, count],
  );
}

let local: LocalPostgres | undefined;
/** The machine is shared: the 1-minute load average when the run starts and ends, for reading its figures. */
const loadAverage = { before: 0, after: 0 };
async function main(): Promise<void> {
  console.log(
    `registry search bench: ${config.entities} entities of the type + ${config.others} of another, ${config.queries} queries per case`,
  );
  loadAverage.before = loadavg()[0]!;
  local = await startLocalPostgres({ dataDir: 'tmp' });
  await local.ensureDatabase('bench');
  const url = local.url('bench');
  await migrateRegistry(url, SCHEMA);
  // The service's own infrastructure (not started: no background passes), for the definition and the indexes.
  const infrastructure = await RegistryInfrastructure.open({ databaseUrl: url, schema: SCHEMA, transport: 'postgres' });
  const admin = { actor: 'bench-admin' };
  const { id } = await new CreateDefinitionUseCase(infrastructure.definitions).execute(
    new CreateDefinitionCommand(studentSchema, admin),
  );
  if (id !== STUDENT) throw new Error(`Student's definition id is ${id}, expected ${STUDENT}`);
  await new ActivateDefinitionUseCase(infrastructure.definitions).execute(new ActivateDefinitionCommand(id, admin));
  await infrastructure.definitionProjectionRunner.catchUp();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const loadStarted = performance.now();
  await load(client, STUDENT, 'Student', config.entities);
  await load(client, OTHER, 'Teacher', config.others);
  await client.query(`VACUUM ANALYZE ${SCHEMA}.entity_search`);
  console.log(
    `loaded ${config.entities + config.others} rows in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`,
  );

  const pool = infrastructure.pool;
  const readModel = infrastructure.entitySearch;
  const fields = searchableFields(studentSchema);
  const pick = (i: number) => 1 + ((i * 7919) % config.entities);
  const time = async (run: (i: number) => Promise<void>): Promise<number[]> => {
    for (let i = 0; i < 20; i++) await run(config.queries + i); // warm-up: plans and buffers
    const ms: number[] = [];
    for (let i = 0; i < config.queries; i++) {
      const t = performance.now();
      await run(i);
      ms.push(performance.now() - t);
    }
    return ms;
  };
  const search = (body: unknown) => readModel.search(STUDENT, parseSearchQuery(body, fields), []);
  const eqByName = async (i: number) => {
    const page = await search({ filters: { 'identityDetails.fullName': { eq: `Student ${pick(i)}` } } });
    if (page.totalCount !== 1) throw new Error(`eq found ${page.totalCount} entities for Student ${pick(i)}`);
  };

  const endsWith = async (i: number) => {
    const page = await search({ filters: { 'identityDetails.fullName': { endsWith: ` ${pick(i)}` } }, limit: 20 });
    if (page.totalCount < 1) throw new Error(`endsWith found nothing for " ${pick(i)}"`);
  };
  const contains = async (i: number) => {
    const page = await search({ filters: { 'identityDetails.fullName': { contains: `ent ${pick(i)}` } }, limit: 20 });
    if (page.totalCount < 1) throw new Error(`contains found nothing for "ent ${pick(i)}"`);
  };
  // Writes of the type's rows (names that no search case matches), see the header.
  let written = 0;
  const writeCost = async (): Promise<{ rowMs: number[]; batchMs: number }> => {
    const rowMs: number[] = [];
    for (let i = 0; i < config.writes; i++) {
      const t = performance.now();
      await client.query(
        `INSERT INTO ${SCHEMA}.entity_search (id, definition_id, status, version, body, updated_at, owner_keys)
         VALUES (gen_random_uuid(), $1, 'active', 1, jsonb_build_object('identityDetails', jsonb_build_object(
                 'fullName', 'Written-' || $2::text, 'gender', 'F', 'grade', 3)), now(), '{}')`,
        [STUDENT, `${written++}`],
      );
      rowMs.push(performance.now() - t);
    }
    const batches: number[] = [];
    for (let i = 0; i < 3; i++) {
      await client.query('BEGIN');
      const t = performance.now();
      await load(client, STUDENT, `Batch-${i}-`, 10_000);
      batches.push(performance.now() - t);
      await client.query('ROLLBACK');
    }
    return { rowMs, batchMs: percentile(batches, 50) };
  };

  const baseline = await time(async (i) => {
    const { rowCount } = await pool.query(
      `SELECT id, version, body FROM ${SCHEMA}.entity_search WHERE id = md5($1)::uuid`,
      [`Student${pick(i)}`],
    );
    if (rowCount !== 1) throw new Error('baseline missed its row');
  });
  const cases: Array<[string, number[]]> = [];
  cases.push(['eq on an indexFields field, before the index reconciler ran', await time(eqByName)]);
  cases.push(['endsWith on it, before the index reconciler ran (a scan), limit 20', await time(endsWith)]);
  cases.push(['contains on it, before the index reconciler ran (a scan), limit 20', await time(contains)]);
  const writesWithout = await writeCost();
  const built = await infrastructure.searchIndexes.reconcile();
  if (built.created.length !== 2) throw new Error(`the reconciler built ${built.created.length} indexes, expected 2`);
  await client.query(`ANALYZE ${SCHEMA}.entity_search`);
  cases.push(["eq on an indexFields field, the service's btree (EntitySearchIndexes)", await time(eqByName)]);
  cases.push([
    'startsWith on it, the service\'s btree (collation "C"), limit 20',
    await time(async (i) => {
      const page = await search({
        filters: { 'identityDetails.fullName': { startsWith: `Student ${pick(i)}` } },
        limit: 20,
      });
      if (page.totalCount < 1) throw new Error(`startsWith found nothing for Student ${pick(i)}`);
    }),
  ]);
  cases.push(["endsWith on it, the service's trigram index (pg_trgm), limit 20", await time(endsWith)]);
  cases.push(["contains on it, the service's trigram index (pg_trgm), limit 20", await time(contains)]);
  cases.push([
    'between on grade (no index), limit 20',
    await time(async (i) => {
      await search({ filters: { 'identityDetails.grade': { between: [1 + (i % 6), 7 + (i % 6)] } }, limit: 20 });
    }),
  ]);
  const writesBoth = await writeCost();
  const { rows: gin } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_am am ON am.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname LIKE 'entity_search_ix_%' AND am.amname = 'gin'`,
    [SCHEMA],
  );
  if (gin.length !== 1) throw new Error(`${gin.length} trigram indexes, expected 1`);
  await client.query(`DROP INDEX ${SCHEMA}."${gin[0]!.name}"`);
  const writesBtree = await writeCost();
  await infrastructure.close();
  await client.end();

  const figures = printFigures('primary key', baseline, cases);
  const writeFigures = (
    [
      ['no field index', writesWithout],
      ['btree + trigram (what the reconciler builds)', writesBoth],
      ['btree only (trigram index dropped)', writesBtree],
    ] as const
  ).map(([name, { rowMs, batchMs }]) => {
    const row = { p50Ms: percentile(rowMs, 50), p95Ms: percentile(rowMs, 95) };
    const ratio = (x: number, y: number) => (x / y).toFixed(2);
    console.log(
      `write, ${name}: one row per transaction p50 ${row.p50Ms.toFixed(2)} ms · p95 ${row.p95Ms.toFixed(2)} ms` +
        ` (${ratio(row.p50Ms, percentile(writesWithout.rowMs, 50))}x / ${ratio(row.p95Ms, percentile(writesWithout.rowMs, 95))}x no field index);` +
        ` 10,000 rows in one INSERT ${batchMs.toFixed(0)} ms (${ratio(batchMs, writesWithout.batchMs)}x)`,
    );
    return { name, row, batch10000Ms: batchMs };
  });
  loadAverage.after = loadavg()[0]!;
  console.log(`load average (1 min): ${loadAverage.before.toFixed(2)} before, ${loadAverage.after.toFixed(2)} after`);
  const summary = {
    entities: config.entities,
    otherEntities: config.others,
    queries: config.queries,
    cpus: availableParallelism(),
    loadAverage1m: loadAverage,
    ...figures,
    writes: writeFigures,
    target: 'indexed-field search of 100,000 entities: p95 < 50 ms on 2 cores',
  };
  mkdirSync(dirname(config.report), { recursive: true });
  writeFileSync(config.report, `${JSON.stringify(summary, null, 2)}\n`);
}

try {
  await main();
} finally {
  await local?.stop().catch((error) => console.error(`stopping Postgres failed: ${String(error)}`));
}
