import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '@archipelago/testing-harness';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

// The runbook commands as npm runs them (tools/ops/*.mjs → the compiled catalog main.js) against a
// real Postgres, given only DATABASE_URL and DB_SCHEMA: the serving configuration (AUTH_JWKS_URL,
// HTTP_PORT, …) is absent on purpose. Needs the build (`npx tsc -p tsconfig.build.json`).

const root = fileURLToPath(new URL('../..', import.meta.url));
const SCHEMA = 'catalog';
let databaseUrl: string;
let database: string;

/** Runs `node <script> …args` like its npm script, with `env` only (plus PATH/HOME); output and exit code. */
function runScript(script: string, args: string[], env: Record<string, string> = {}, stdin?: string) {
  return runNode([join(root, script), ...args], env, stdin);
}

function runNode(args: string[], env: Record<string, string>, stdin?: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (stdin !== undefined) child.stdin.end(stdin);
    else child.stdin.end();
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
/** The compiled catalog main.js as its image runs it (`node --import ./tools/register.mjs <main> <command>`). */
const catalogMain = (args: string[]) =>
  runNode(['--import', './tools/register.mjs', 'dist/systems/commerce/catalog/src/main.js', ...args], db());
const db = () => ({ DATABASE_URL: databaseUrl, DB_SCHEMA: SCHEMA });
const serviceCommand = (args: string[]) => runScript('tools/ops/service-command.mjs', args, db());
const psql = (args: string[], stdin?: string) =>
  runScript('tools/ops/psql.mjs', args, { DATABASE_URL: databaseUrl, ARCHIPELAGO_PSQL_BUILTIN: '1' }, stdin);

beforeAll(async () => {
  databaseUrl = await createTestDatabase('ops');
  database = new URL(databaseUrl).pathname.slice(1);
  // migrate with the maintenance configuration only (the Helm hook Job's command)
  const migrate = await catalogMain(['migrate']);
  expect(migrate.stderr).toBe('');
  expect(migrate.code).toBe(0);
}, 120_000);

describe('npm run report -- daily-sales', () => {
  const ordering = () => ({ DATABASE_URL: databaseUrl, DB_SCHEMA: 'ordering' });
  it('runs ordering\'s daily sales job with only DATABASE_URL and DB_SCHEMA set, and replaces the day on a rerun', async () => {
    const migrate = await runNode(
      ['--import', './tools/register.mjs', 'dist/systems/commerce/ordering/src/main.js', 'migrate'],
      ordering(),
    );
    expect(migrate.code).toBe(0);
    for (let run = 0; run < 2; run++) {
      const { code, stdout, stderr } = await runScript('tools/ops/service-command.mjs', ['report', 'daily-sales', '--date', '2026-12-05'], ordering());
      expect(stderr).not.toMatch(/AUTH_JWKS_URL|Invalid configuration/);
      expect(code).toBe(0);
      expect(stdout).toMatch(/"msg":"daily sales report","day":"2026-12-05","timeZone":"UTC","currency":null,"orders":0/);
    }
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM ordering.daily_sales_reports WHERE day = '2026-12-05'`);
      expect(rows).toEqual([{ n: 1 }]);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('answers a bad date or an unknown report with exit 2 and the usage', async () => {
    const bad = await runScript('tools/ops/service-command.mjs', ['report', 'daily-sales', '--date', '2026-02-30'], ordering());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/2026-02-30 is not a date[\s\S]*usage: main.js report daily-sales/);
    const unknown = await runScript('tools/ops/service-command.mjs', ['report', 'weekly'], ordering());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/report needs a report name: daily-sales/);
  }, 60_000);
});

describe('npm run rebuild-projections', () => {
  it('rebuilds the catalog read models with only DATABASE_URL and DB_SCHEMA set', async () => {
    const { code, stdout, stderr } = await serviceCommand(['rebuild-projections', 'catalog']);
    expect(stderr).not.toMatch(/AUTH_JWKS_URL|Invalid configuration/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/"msg":"projection rebuilt","projection":"product_list"/);
  });

  it('names the services when the service is unknown (exit 2)', async () => {
    const { code, stderr } = await serviceCommand(['rebuild-projections', 'nope']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown service "nope"; one of: identity, catalog, ordering, payments');
  });
});

describe('npm run dead-letters', () => {
  it('prints its usage for --help (exit 0), also the command inside the image (main.js)', async () => {
    const outer = await serviceCommand(['dead-letters', '--help']);
    expect(outer.code).toBe(0);
    expect(outer.stdout).toContain('npm run dead-letters -- list [<service>]');
    const inner = await catalogMain(['dead-letters', '--help']);
    expect(inner.code).toBe(0);
    expect(inner.stdout).toContain('usage: dead-letters list [--topic <topic>]');
  });

  it('answers an unknown option with the usage and exit 2, not a crash', async () => {
    const { code, stderr } = await serviceCommand(['dead-letters', 'list', 'catalog', '--bogus']);
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--bogus'");
    expect(stderr).toContain('usage: dead-letters list');
    expect(stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('lists the waiting dead letters of the service and marks them for replay by its own group', async () => {
    expect((await serviceCommand(['dead-letters', 'list', 'catalog'])).stdout).toContain(
      'no dead letters waiting (postgres transport)',
    );
    const pool = new pg.Pool({ connectionString: databaseUrl });
    await pool.query(
      `INSERT INTO ${SCHEMA}.dead_letters (consumer_group, topic, message_id, message_type, payload, attempts, error)
       VALUES ('commerce.catalog', 'commerce.ordering.stock-commands.v1', 'm-1', 'ReserveStock', '{}', 5, 'boom')`,
    );
    await pool.end();
    const list = await serviceCommand(['dead-letters', 'list', 'catalog']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      /group=commerce\.catalog {2}topic=commerce\.ordering\.stock-commands\.v1 {2}waiting=1 {2}replay-requested=0 .*last-error="boom"/,
    );
    const replay = await serviceCommand(['dead-letters', 'replay', 'catalog']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('marked 1 dead letters of group commerce.catalog for redelivery');
    expect((await serviceCommand(['dead-letters', 'list', 'catalog'])).stdout).toContain('replay-requested=1');
  });
});

describe('npm run dead-deliveries (notifications)', () => {
  const notifications = () => ({ DATABASE_URL: databaseUrl, DB_SCHEMA: 'notifications' });
  const main = 'dist/systems/notifications/notifications/src/main.js';
  it('lists the dead e-mail and push deliveries and queues them again, with only DATABASE_URL and DB_SCHEMA set', async () => {
    const migrate = await runNode(['--import', './tools/register.mjs', main, 'migrate'], notifications());
    expect(migrate.code).toBe(0);
    const run = (args: string[]) =>
      runScript('tools/ops/service-command.mjs', ['dead-deliveries', ...args], notifications());
    const empty = await run(['list']);
    expect(empty.stderr).not.toMatch(/AUTH_JWKS_URL|Invalid configuration/);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('no dead deliveries');
    const pool = new pg.Pool({ connectionString: databaseUrl });
    const notificationId = '0193f1c4-5a6b-7c8d-9e0f-1a2b3c4d5e6f';
    await pool.query(
      `INSERT INTO notifications.notifications (id, recipient_id, seq, category, title, body, data, created_at, source_event_id)
       VALUES ($1, 'u-1', 1, 'order', 'Order confirmed', 'b', '{}', now(), 'e-1')`,
      [notificationId],
    );
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO notifications.deliveries (notification_id, channel, status, attempts, last_error)
       VALUES ($1, 'email', 'dead', 5, 'connect ECONNREFUSED') RETURNING id`,
      [notificationId],
    );
    await pool.query(
      `INSERT INTO notifications.delivery_dead_letters (delivery_id, attempts, last_error) VALUES ($1, 5, 'connect ECONNREFUSED')`,
      [rows[0]!.id],
    );
    const list = await run(['list', '--channel', 'email']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      new RegExp(
        `id=${rows[0]!.id} {2}channel=email {2}notification=${notificationId} {2}recipient=u-1 .*attempts=5 .*last-error="connect ECONNREFUSED"`,
      ),
    );
    const bad = await run(['retry', '--channel', 'sms']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('usage: dead-deliveries');
    const retry = await run(['retry', '--id', rows[0]!.id]);
    expect(retry.code).toBe(0);
    expect(retry.stdout).toContain('queued 1 dead deliveries again');
    const after = await pool.query(`SELECT status, attempts FROM notifications.deliveries WHERE id = $1`, [
      rows[0]!.id,
    ]);
    expect(after.rows).toEqual([{ status: 'pending', attempts: 0 }]);
    await pool.end();
    expect((await run(['list'])).stdout).toContain('no dead deliveries');
  });
});

describe('npm run psql (pg shell when psql is not on PATH)', () => {
  it('runs -c and prints an aligned table', async () => {
    const { code, stdout } = await psql([
      database,
      '-c',
      `SELECT count(*)::int AS products FROM ${SCHEMA}.product_list`,
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe(' products \n----------\n 0        \n(1 row)\n');
  });

  it('reads SQL from stdin and exits 1 on an SQL error', async () => {
    const ok = await psql([database], 'SELECT 1 AS a; SELECT 2 AS b;');
    expect(ok.stdout).toContain(' a \n---\n 1 \n(1 row)\n b \n---\n 2 \n(1 row)');
    const bad = await psql([database], 'SELECT * FROM nowhere;');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('relation "nowhere" does not exist');
  });
});
