/**
 * What the catalog benchmarks (gRPC here, HTTP through the edge in apps/edge/bench) start: an
 * embedded Postgres, a token issuer standing in for identity (ES256 JWKS over HTTP, tokens shaped
 * like identity's), and the compiled catalog service as its own process (from the benchmark's
 * compiled output, BENCH_DIST_DIR, run with the alias hook), seeded with products.
 * Also: closed-loop load, percentiles, RSS sampling of a process, tables. Benchmark code only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { freePort, startLocalPostgres, type LocalPostgres } from '@archipelago/platform-local-postgres';

export const ISSUER = 'http://localhost:8000/identity/v1'; // the consumer key in infra/kong/kong.yml
export const AUDIENCE = 'archipelago';
const JWKS_PATH = '/identity/v1/.well-known/jwks.json';

export function workspaceRoot(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('workspace root not found');
  }
}
export const distDir = () => process.env.BENCH_DIST_DIR ?? join(workspaceRoot(), '.cache/bench-dist');

export interface Issuer {
  url: string;
  jwksUrl: string;
  token(sub: string, roles: string[]): Promise<string>;
  /** A service token (no e-mail) for catalog's gRPC server (audience `catalog.commerce`). */
  serviceToken(clientId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startIssuer(): Promise<Issuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === JWKS_PATH) {
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: [jwk] }));
    } else if (path === '/health/ready' || path === '/health/live') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    jwksUrl: `${url}${JWKS_PATH}`,
    token: (sub, roles) =>
      new SignJWT({ roles, email: `${sub.slice(0, 8)}@bench.local` })
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(sub)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime('900s')
        .sign(privateKey),
    serviceToken: (clientId) =>
      new SignJWT({ roles: [] })
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid })
        .setIssuer(ISSUER)
        .setAudience('catalog.commerce')
        .setSubject(clientId)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime('900s')
        .sign(privateKey),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A compiled program of the workspace (from the benchmark's output folder) as its own process. */
export interface Proc {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function startProcess(options: {
  name: string;
  entry: string;
  args?: string[];
  env: Record<string, string>;
  readyUrl?: string;
  /** Ready when the output contains this (instead of readyUrl). */
  readyLine?: string;
  nodeArgs?: string[];
}): Promise<Proc> {
  const script = join(distDir(), options.entry.replace(/\.ts$/, '.js'));
  if (!existsSync(script)) throw new Error(`${script} is missing: run through \`npm run bench\``);
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--import',
      join(workspaceRoot(), 'tools/register.mjs'),
      script,
      ...(options.args ?? []),
    ],
    {
      cwd: workspaceRoot(),
      env: { ...process.env, ARCHIPELAGO_DIST_DIR: distDir(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out = (out + d).slice(-100_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-100_000)));
  let exited = false;
  const exit = new Promise<number | string | null>((r) =>
    child.on('exit', (code, signal) => {
      exited = true;
      r(signal ?? code);
    }),
  );
  const proc: Proc = {
    child,
    output: () => out,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exit;
      clearTimeout(t);
    },
  };
  if (!options.readyUrl && !options.readyLine) {
    const code = await exit;
    if (code !== 0) throw new Error(`${options.name} exited with ${String(code)}:\n${out.slice(-4000)}`);
    return proc;
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${options.name} exited before it was ready:\n${out.slice(-4000)}`);
    const ok = options.readyUrl
      ? await fetch(options.readyUrl, { signal: AbortSignal.timeout(1000) }).then(
          (r) => r.ok,
          () => false,
        )
      : out.includes(options.readyLine!);
    if (ok) return proc;
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`${options.name} not ready in time:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, options.readyUrl ? 200 : 50));
  }
}

export interface CatalogStack {
  postgres: LocalPostgres;
  issuer: Issuer;
  catalog: Proc;
  httpUrl: string;
  grpcAddress: string;
  productIds: string[];
  stop(): Promise<void>;
}

/** Postgres + issuer + catalog (postgres messaging transport: no Kafka needed to serve reads), seeded. */
export async function startCatalogStack(
  products = 20,
  /** Extra node flags and environment of the catalog process (e.g. the telemetry bootstrap). */
  extra: { nodeArgs?: string[]; env?: Record<string, string> } = {},
): Promise<CatalogStack> {
  const [postgres, issuer] = await Promise.all([startLocalPostgres({ dataDir: 'tmp' }), startIssuer()]);
  let catalog: Proc | undefined;
  const stop = async () => {
    await catalog?.stop().catch(() => undefined);
    await issuer.close().catch(() => undefined);
    await postgres.stop().catch(() => undefined);
  };
  try {
    await postgres.ensureDatabase('commerce');
    const [httpPort, grpcPort] = await Promise.all([freePort(), freePort()]);
    const env = {
      SERVICE_NAME: 'catalog',
      SYSTEM: 'commerce',
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(grpcPort),
      DATABASE_URL: postgres.url('commerce'),
      DB_SCHEMA: 'catalog',
      MESSAGING_TRANSPORT: 'postgres',
      LOG_LEVEL: 'warn',
      AUTH_JWKS_URL: issuer.jwksUrl,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      NODE_ENV: 'production',
    };
    const entry = 'systems/commerce/catalog/src/main.ts';
    await startProcess({ name: 'catalog migrate', entry, args: ['migrate'], env });
    const httpUrl = `http://127.0.0.1:${httpPort}`;
    catalog = await startProcess({
      name: 'catalog',
      entry,
      env: { ...env, ...extra.env },
      nodeArgs: extra.nodeArgs,
      readyUrl: `${httpUrl}/health/ready`,
    });
    const admin = await issuer.token(randomUUID(), ['admin']);
    const productIds: string[] = [];
    for (let i = 0; i < products; i++) {
      const res = await fetch(`${httpUrl}/commerce/v1/products`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({
          sku: `BENCH-${String(i).padStart(4, '0')}`,
          name: `Benchmark product number ${i}, a reasonably long display name`,
          price: { amount: 1999 + i, currency: 'USD' },
          initialStock: 1000,
        }),
      });
      if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
      productIds.push(((await res.json()) as { id: string }).id);
    }
    // The list is a projection: wait until every product is in it.
    for (let i = 0; ; i++) {
      const page = (await (await fetch(`${httpUrl}/commerce/v1/products?limit=${products}`)).json()) as {
        items?: unknown[];
      };
      if ((page.items?.length ?? 0) >= products) break;
      if (i > 200) throw new Error('products did not reach the read model');
      await new Promise((r) => setTimeout(r, 50));
    }
    return { postgres, issuer, catalog, httpUrl, grpcAddress: `127.0.0.1:${grpcPort}`, productIds, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers

export const percentile = (sorted: ArrayLike<number>, p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : NaN;
export const median = (values: number[]): number => {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
export const minMax = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];

export interface LoadResult {
  calls: number;
  errors: number;
  seconds: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** `concurrency` closed loops calling `once` for `seconds` after `warmupSeconds`. */
export async function closedLoop(
  once: () => Promise<void>,
  concurrency: number,
  seconds: number,
  warmupSeconds: number,
  /** Called when the measured phase starts and when it ends (e.g. to read a process's CPU time). */
  hooks: { onMeasureStart?: () => void; onMeasureEnd?: () => void } = {},
): Promise<LoadResult> {
  let phase: 'warmup' | 'measure' | 'done' = 'warmup';
  let end = 0;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown;
  const loops = Array.from({ length: concurrency }, async () => {
    while (phase !== 'done') {
      const t0 = performance.now();
      try {
        await once();
      } catch (error) {
        errors++;
        firstError ??= error;
        continue;
      }
      const t1 = performance.now();
      if (phase === 'measure' && t1 <= end) latencies.push(t1 - t0);
    }
  });
  await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
  const start = performance.now();
  end = start + seconds * 1000;
  phase = 'measure';
  hooks.onMeasureStart?.();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  hooks.onMeasureEnd?.();
  phase = 'done';
  await Promise.all(loops);
  if (firstError) console.error(`  ${errors} failed call(s), first: ${String(firstError)}`);
  const sorted = Float64Array.from(latencies).sort();
  return {
    calls: latencies.length,
    errors,
    seconds,
    callsPerSecond: latencies.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

/**
 * CPU time (user + system, milliseconds) a process has used so far, from `/proc/<pid>/stat`
 * (fields 14 and 15, in clock ticks of 10 ms on Linux); NaN where /proc is not available.
 */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Samples the resident set size (VmRSS, bytes) of a process every `everyMs` until stopped. */
export function rssSampler(
  pid: number,
  everyMs = 200,
): { stop(): { maxBytes: number; medianBytes: number; samples: number } } {
  const samples: number[] = [];
  const read = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) samples.push(Number(m[1]) * 1024);
    } catch {
      /* process gone */
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    stop() {
      clearInterval(timer);
      read();
      return { maxBytes: Math.max(...samples), medianBytes: median(samples), samples: samples.length };
    },
  };
}

/** Aligned columns (first left, others right). */
export function formatTable(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
