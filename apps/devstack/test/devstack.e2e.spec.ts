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

  it('on a non-8000 edge port, discovery names the URL it was fetched from and its tokens pass the edge to another service', async () => {
    const keysDir = mkdtempSync(join(tmpdir(), 'devstack-e2e-keys-'));
    try {
      const run = startDevstack({}, { EDGE_PORT: '18473' }, [], (stack) => {
        stack.edge.config = 'apps/devstack/test/fixtures/fake-kong-issuer.yml';
        stack.systems.unshift({
          name: 'identity',
          services: [
            {
              name: 'identity',
              main: 'systems/identity/identity/src/main.ts',
              httpPort: 3902,
              grpcPort: 5902,
              upstream: 'identity.identity:8080',
              env: { NODE_ENV: 'development', IDENTITY_KEYS_DIR: keysDir },
            },
          ],
        });
      });
      await run.waitFor(/Press Ctrl-C to stop/, 240_000);
      const issuer = 'http://localhost:18473/identity/v1';
      // OpenID Connect Discovery §4.3: the issuer equals the URL discovery was fetched from.
      const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
      expect(discovery.issuer).toBe(issuer);
      expect(discovery.token_endpoint).toBe(`${issuer}/token`);
      expect(discovery.jwks_uri).toBe(`${issuer}/.well-known/jwks.json`);

      const tokenResponse = await fetch(discovery.token_endpoint!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'password',
          username: 'admin@archipelago.local',
          password: 'archipelago-admin',
        }).toString(),
      });
      expect(tokenResponse.status).toBe(200);
      const { access_token } = (await tokenResponse.json()) as { access_token: string };
      const claims = JSON.parse(Buffer.from(access_token.split('.')[1]!, 'base64url').toString()) as { iss: string };
      expect(claims.iss).toBe(issuer);

      // The edge's identity issuer consumer accepts it, and the service behind expects this issuer.
      const products = 'http://127.0.0.1:18473/commerce/v1/products';
      expect((await fetch(products)).status).toBe(401);
      const proxied = await fetch(products, { headers: { authorization: `Bearer ${access_token}` } });
      expect(await proxied.json()).toMatchObject({ service: 'catalog', consumer: 'identity-issuer', authIssuer: issuer });
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
    } finally {
      rmSync(keysDir, { recursive: true, force: true });
    }
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
