/**
 * `npm run bench -- registry-create`: where the time of an entity create goes (issue 14 §6, the k6
 * create p95 over its 200 ms limit).
 *
 * Starts its own embedded Postgres (temporary data directory), migrates the registry schema, opens
 * the real infrastructure (postgres transport, a generated KEK) and publishes two types
 * types: `Member` (a private e-mail that is also the owner and a unique field, so a create seals a
 * value, makes a data key and claims a keyed hash) and `Plain` (no private, unique or owner
 * fields). Then BENCH_CREATES (300) runs per case, one at a time (the k6 scenario's shape: 5 per s,
 * no concurrency), after 20 warm-up runs:
 *  - baseline: the event row of one entity by primary key (`SELECT … FROM events WHERE global_position = $1`);
 *  - the parts of a create: the definition's load (its stream read and folded), the serving
 *    definition with its validator (cached per version), the body's validation, the entity's load
 *    (an empty stream);
 *  - the floor of any write: BEGIN, a one-row INSERT, COMMIT (the commit waits for the WAL flush);
 *  - the whole create through CreateEntityUseCase, for `Plain` and for `Member`.
 * Counts the SQL statements a create sends (`pg.Client#query` calls) and the transactions, prints
 * p50/p95 in ms of each case and its ratio to the baseline (same run). Writes
 * `reports/bench/registry-create.json`.
 * Environment: BENCH_CREATES (300), BENCH_REPORT.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { printFigures } from './figures.js';
import { startLocalPostgres, type LocalPostgres } from '@archipelago/platform-local-postgres';
import { definitionIdOf } from '../src/entity/definition/definition-id.js';
import { ActivateDefinitionCommand } from '../src/use-case/activate-definition/activate-definition.command.js';
import { ActivateDefinitionUseCase } from '../src/use-case/activate-definition/activate-definition.use-case.js';
import { CreateDefinitionCommand } from '../src/use-case/create-definition/create-definition.command.js';
import { CreateDefinitionUseCase } from '../src/use-case/create-definition/create-definition.use-case.js';
import { CreateEntityCommand } from '../src/use-case/create-entity/create-entity.command.js';
import { CreateEntityUseCase } from '../src/use-case/create-entity/create-entity.use-case.js';
import { ServingDefinitions } from '../src/use-case/serving-definitions.js';
import { newKekJwk } from '../src/repository/crypto/key-encryption-keys.js';
import { migrateRegistry } from '../src/repository/registry.data-source.js';
import { RegistryInfrastructure } from '../src/repository/registry.infrastructure.js';

const config = {
  creates: Number(process.env.BENCH_CREATES ?? 300),
  report: resolve(process.env.BENCH_REPORT ?? 'reports/bench/registry-create.json'),
};
const SCHEMA = 'registry';
const ctx = { actor: 'a0a0a0a0-0000-4000-8000-000000000001' };

const schemaOf = (title: string, osConfig: object) => ({
  title,
  type: 'object',
  required: ['name', 'city'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    city: { type: 'string', enum: ['Pune', 'Chennai', 'Kochi'] },
    level: { type: 'integer', minimum: 1, maximum: 12 },
    joined: { type: 'string', format: 'date' },
    email: { type: 'string', format: 'email' },
  },
  _osConfig: osConfig,
});
const bodyOf = (i: number) => ({
  name: `Member ${i}`,
  city: ['Pune', 'Chennai', 'Kochi'][i % 3]!,
  level: 1 + (i % 12),
  joined: '2024-04-01',
  email: `member.${i}.${randomUUID().slice(0, 8)}@example.com`,
});

/**
 * Counts `pg.Client#query` calls (every statement the pool's clients send) and BEGINs, and sums the
 * time until each answers by statement (its first words), to show where a create waits.
 */
function countStatements(): {
  read(): { statements: number; transactions: number };
  byStatement: Map<string, { calls: number; ms: number }>;
} {
  let statements = 0;
  let transactions = 0;
  const byStatement = new Map<string, { calls: number; ms: number }>();
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements += 1;
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
    if (typeof text === 'string' && /^\s*BEGIN/i.test(text)) transactions += 1;
    const label = (text ?? '?').replace(/\s+/g, ' ').trim().slice(0, 60);
    const started = performance.now();
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    if (result instanceof Promise) {
      void result.then(
        () => {
          const entry = byStatement.get(label) ?? { calls: 0, ms: 0 };
          byStatement.set(label, { calls: entry.calls + 1, ms: entry.ms + performance.now() - started });
        },
        () => {},
      );
    }
    return result;
  } as typeof original;
  return { read: () => ({ statements, transactions }), byStatement };
}

let local: LocalPostgres | undefined;
let infrastructure: RegistryInfrastructure | undefined;
async function main(): Promise<void> {
  console.log(`registry create bench: ${config.creates} runs per case, one at a time`);
  local = await startLocalPostgres({ dataDir: 'tmp' });
  await local.ensureDatabase('bench');
  const url = local.url('bench');
  await migrateRegistry(url, SCHEMA);
  process.env['REGISTRY_KEKS'] = JSON.stringify({ keys: [newKekJwk()] });
  infrastructure = await RegistryInfrastructure.open({ databaseUrl: url, schema: SCHEMA, transport: 'postgres' });
  const { definitions, entities } = infrastructure;
  for (const [title, osConfig] of [
    [
      'Member',
      {
        privateFields: ['$.email'],
        uniqueIndexFields: ['email'],
        indexFields: ['name'],
        ownershipAttributes: [{ email: '$.email' }],
      },
    ],
    ['Plain', {}],
  ] as const) {
    const { id } = await new CreateDefinitionUseCase(definitions).execute(
      new CreateDefinitionCommand(schemaOf(title, osConfig), ctx),
    );
    await new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(id, ctx));
  }
  const create = new CreateEntityUseCase(definitions, entities, { next: () => randomUUID() });
  const serving = new ServingDefinitions(definitions);
  const member = await serving.forType('Member');

  const time = async (run: (i: number) => Promise<unknown>): Promise<number[]> => {
    for (let i = 0; i < 20; i++) await run(1_000_000 + i);
    const ms: number[] = [];
    for (let i = 0; i < config.creates; i++) {
      const t = performance.now();
      await run(i);
      ms.push(performance.now() - t);
    }
    return ms;
  };

  const counter = countStatements();
  const per = async (run: () => Promise<unknown>) => {
    const before = counter.read();
    await run();
    const after = counter.read();
    return { statements: after.statements - before.statements, transactions: after.transactions - before.transactions };
  };
  const plainTrips = await per(() => create.execute(new CreateEntityCommand('Plain', bodyOf(0), false, ctx)));
  const memberTrips = await per(() => create.execute(new CreateEntityCommand('Member', bodyOf(0), false, ctx)));
  console.log(
    `statements per create: Plain ${plainTrips.statements} (${plainTrips.transactions} transaction) · Member ${memberTrips.statements} (${memberTrips.transactions} transaction)`,
  );

  const { rows } = await infrastructure.pool.query<{ p: string }>(
    `SELECT global_position AS p FROM ${SCHEMA}.events ORDER BY global_position`,
  );
  const positions = rows.map((r) => r.p);
  const baseline = await time(async (i) => {
    const found = await infrastructure!.pool.query(
      `SELECT stream_id, data FROM ${SCHEMA}.events WHERE global_position = $1`,
      [positions[i % positions.length]],
    );
    if (found.rowCount !== 1) throw new Error('baseline missed its row');
  });
  const cases: Array<[string, number[]]> = [];
  // The floor of any write: one row in its own transaction (the commit waits for the WAL flush).
  await infrastructure.pool.query(`CREATE TABLE ${SCHEMA}.bench_floor (id uuid PRIMARY KEY, body jsonb NOT NULL)`);
  cases.push([
    'raw write: BEGIN, one-row INSERT, COMMIT (the floor)',
    await time(async (i) => {
      const client = await infrastructure!.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`INSERT INTO ${SCHEMA}.bench_floor (id, body) VALUES ($1, $2)`, [
          randomUUID(),
          JSON.stringify(bodyOf(i)),
        ]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    }),
  ]);
  const memberId = definitionIdOf('Member');
  cases.push(['definition load (stream read + fold)', await time(() => definitions.load(memberId))]);
  cases.push(['serving definition + cached validator', await time(() => serving.forType('Member'))]);
  cases.push([
    'validation of the body (ajv, compiled)',
    await time(async (i) => {
      if (member.validator.validate(bodyOf(i)).length > 0) throw new Error('body refused');
    }),
  ]);
  cases.push(['entity load (empty stream)', await time(() => entities.load(randomUUID()))]);
  const runs = config.creates + 20;
  const statementTimes = (label: string) => {
    const times = [...counter.byStatement]
      .sort(([, x], [, y]) => y.ms - x.ms)
      .map(([statement, { calls, ms }]) => ({ statement, perCreate: calls / runs, msPerCreate: ms / runs }));
    console.log(`${label}, time per create by statement (until its answer; ${times.length} kinds):`);
    for (const t of times.slice(0, 12))
      console.log(`  ${t.msPerCreate.toFixed(2)} ms  ×${t.perCreate.toFixed(1)}  ${t.statement}`);
    counter.byStatement.clear();
    return times;
  };
  counter.byStatement.clear();
  cases.push([
    'create Plain (no private/unique/owner fields)',
    await time((i) => create.execute(new CreateEntityCommand('Plain', bodyOf(i), false, ctx))),
  ]);
  const plainStatements = statementTimes('create Plain');
  cases.push([
    'create Member (private unique owner e-mail)',
    await time((i) => create.execute(new CreateEntityCommand('Member', bodyOf(i), false, ctx))),
  ]);
  const memberStatements = statementTimes('create Member');

  const figures = printFigures('events row by primary key', baseline, cases);
  const summary = {
    runs: config.creates,
    statementsPerCreate: { plain: plainTrips, member: memberTrips },
    statementTimes: { plain: plainStatements, member: memberStatements },
    ...figures,
  };
  mkdirSync(dirname(config.report), { recursive: true });
  writeFileSync(config.report, `${JSON.stringify(summary, null, 2)}\n`);
}

try {
  await main();
} finally {
  await infrastructure?.close().catch((error) => console.error(`closing failed: ${String(error)}`));
  await local?.stop().catch((error) => console.error(`stopping Postgres failed: ${String(error)}`));
}
