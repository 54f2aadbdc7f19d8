import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';

// Runs the real launcher (what `npm start` runs) against the fake service fixture, in a temp data dir.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const launcher = join(root, 'apps/devstack/devstack.mjs');
const fixture = JSON.parse(readFileSync(new URL('./fixtures/fake-stack.json', import.meta.url), 'utf8'));

interface Run {
  child: ChildProcess;
  dataDir: string;
  output: () => string;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  exit: Promise<number | null>;
}

const runs: Run[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) {
    if (run.child.exitCode === null) run.child.kill('SIGTERM');
    await run.exit;
    rmSync(run.dataDir, { recursive: true, force: true });
  }
});

function startDevstack(
  serviceEnv: Record<string, string> = {},
  env: Record<string, string> = {},
  args: string[] = [],
  editStack: (stack: typeof fixture) => void = () => undefined,
): Run {
  const dataDir = mkdtempSync(join(tmpdir(), 'devstack-e2e-'));
  chmodSync(dataDir, 0o755); // Postgres runs as the `postgres` user when we are root
  const stack = structuredClone(fixture);
  Object.assign(stack.systems[0].services[0].env, serviceEnv);
  editStack(stack);
  const stackFile = join(dataDir, 'stack.json');
  writeFileSync(stackFile, JSON.stringify(stack));
  const child = spawn(process.execPath, [launcher, ...args], {
    cwd: root,
    env: {
      ...process.env,
      STACK_FILE: stackFile,
      DEVSTACK_DATA_DIR: dataDir,
      PGPORT_LOCAL: '0',
      EDGE_PORT: '18471',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const check of waiters) check();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 120_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`Timed out waiting for ${pattern}. Output:\n${text}`)), timeoutMs);
      const check = () => {
        const match = text.match(pattern);
        if (match) done(undefined, match);
      };
      const done = (error?: Error, match?: RegExpMatchArray) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve(match!);
      };
      waiters.add(check);
      void exit.then(() =>
        setTimeout(() => done(new Error(`Devstack exited before ${pattern}. Output:\n${text}`)), 50),
      );
      check();
    });
  const run = { child, dataDir, output: () => text, waitFor, exit };
  runs.push(run);
  return run;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every pid the run started: launcher, devstack, its children, Postgres' postmaster. */
function pidsOf(run: Run): number[] {
  const state = JSON.parse(readFileSync(join(run.dataDir, 'devstack/state.json'), 'utf8')) as {
    pid: number;
    postgresDataDir: string;
    children: { pid: number }[];
  };
  const postmaster = Number(readFileSync(join(state.postgresDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return [run.child.pid!, state.pid, postmaster, ...state.children.map((c) => c.pid)];
}

describe('npm start (devstack)', () => {
  it('brings the stack up behind the edge, prints the table, and stops every process on SIGTERM', async () => {
    const run = startDevstack();
    await run.waitFor(/Press Ctrl-C to stop/);
    const out = run.output();
    expect(out).toMatch(/^catalog\s+commerce\s+\d+\s+\d+\s+ready$/m);
    expect(out).toMatch(/^edge\s+-\s+18471\s+-\s+ready$/m);
    expect(out).toContain('Edge        http://localhost:18471');
    expect(out).toMatch(
      /Postgres {4}postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres {2}\(databases: commerce\)/,
    );
    expect(out).toContain('Transport   postgres');
    // warnings reach the console, info lines only the log file
    expect(out).toContain('[catalog] WARN fake service: this warning reaches the console');
    expect(out).not.toContain('listening on 127.0.0.1');
    expect(readFileSync(join(run.dataDir, 'logs/catalog.log'), 'utf8')).toContain('listening on 127.0.0.1');

    const health = await fetch('http://127.0.0.1:18471/health');
    expect(health.status).toBe(200);
    // /health probing now and /metrics are on the edge's status port (127.0.0.1 only), not the public one.
    const statusUrl = /^Edge status (http:\/\/127\.0\.0\.1:\d+)\/metrics, /m.exec(out)?.[1];
    expect(statusUrl).toBeDefined();
    expect((await fetch(`${statusUrl}/health`)).status).toBe(200);
    expect((await fetch('http://127.0.0.1:18471/metrics')).status).toBe(404);
    const proxied = await fetch('http://127.0.0.1:18471/commerce/v1/products');
    expect(await proxied.json()).toMatchObject({ service: 'catalog', system: 'commerce', transport: 'postgres' });
    const metrics = await (await fetch(`${statusUrl}/metrics`)).text();
    expect(metrics).toMatch(/^kong_http_requests_total\{service="commerce-catalog".*\} 1$/m);

    const pids = pidsOf(run);
    expect(pids.every(alive)).toBe(true);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(run.output()).toMatch(/Stopped in [\d.]+ s\./);
  });

  it('with --split runs a ROLE=all service as a command and a query process; the edge sends writes to one, reads to the other', async () => {
    const run = startDevstack({ ROLE: 'all' }, { EDGE_PORT: '18472' }, ['--split'], (stack) => {
      stack.edge.config = 'apps/devstack/test/fixtures/fake-kong-split.yml';
      stack.systems[0].services[0].extraUpstreams = ['catalog-query.commerce:8080'];
    });
    await run.waitFor(/Press Ctrl-C to stop/);
    const out = run.output();
    expect(out).toMatch(/^catalog\s+commerce\s+\d+\s+\d+\s+ready$/m);
    expect(out).toMatch(/^catalog-query\s+commerce\s+\d+\s+-\s+ready$/m);
    expect(out).toMatch(
      /• split: catalog command role :\d+ \(catalog\.commerce:8080: POST\/PUT\/PATCH\/DELETE\), query role :\d+ \(GET\)/,
    );
    expect(out).toContain('• catalog: migrations done');
    expect(out).not.toContain('catalog-query: migrations');
    const read = await (await fetch('http://127.0.0.1:18472/commerce/v1/products')).json();
    expect(read).toMatchObject({ service: 'catalog', role: 'query', schema: 'catalog', method: 'GET' });
    const write = await (await fetch('http://127.0.0.1:18472/commerce/v1/products', { method: 'POST' })).json();
    expect(write).toMatchObject({ service: 'catalog', role: 'command', schema: 'catalog', method: 'POST' });
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  }, 300_000);

  it('fails fast with the service output when a migration fails', async () => {
    const run = startDevstack({ FAKE_FAIL_MIGRATE: '1' });
    expect(await run.exit).toBe(1);
    expect(run.output()).toMatch(/Migrations of commerce\/catalog failed \(exit code 3\)/);
    expect(run.output()).toContain('migration 0001 failed');
  });

  it('restarts a service that crashes, and says when it is ready again', async () => {
    const run = startDevstack({ FAKE_CRASH_AFTER_MS: '2500' });
    await run.waitFor(/Press Ctrl-C to stop/);
    await run.waitFor(/✗ catalog exited with code 1; restart 1\/5 in 1 s/, 20_000);
    await run.waitFor(/✓ catalog is ready again/, 20_000);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('passes the kafka transport to services when KAFKA_BROKERS is set', async () => {
    const brokers = inject('kafkaBrokers');
    if (!brokers) return; // TEST_KAFKA=off
    const run = startDevstack({}, { KAFKA_BROKERS: brokers });
    await run.waitFor(/Press Ctrl-C to stop/);
    expect(run.output()).toContain(`Transport   kafka (${brokers})`);
    const port = Number(run.output().match(/^catalog\s+commerce\s+(\d+)/m)![1]);
    expect(await (await fetch(`http://127.0.0.1:${port}/x`)).json()).toMatchObject({ transport: 'kafka' });
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });
});
