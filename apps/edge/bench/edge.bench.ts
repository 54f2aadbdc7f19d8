/**
 * `npm run bench -- edge`: the same request through the edge (apps/edge, compiled, its own process,
 * loading infra/kong/kong.yml: correlation-id, jwt, rate-limiting, cors, prometheus …) and directly
 * to the catalog service (compiled, own process, Postgres, 20 products): p50/p99 of each and the
 * difference, i.e. what the edge adds (target: ≤ 1 ms at p50).
 *
 * Request: `GET /commerce/v1/products?limit=20` with a customer token (the edge verifies it; the
 * service reads it too). The authenticated rate limit (6000/min per user) is real and stays on:
 * requests cycle through tokens of 400 users so that it never refuses a request.
 * Client: node:http with a keep-alive agent, `concurrency` closed loops. Rounds alternate the two
 * paths; the overhead is the median over rounds of (edge p50 − direct p50) of the same round.
 * The catalog's and the edge's resident memory (VmRSS) are sampled. Writes `reports/bench/edge.json`.
 *
 * Environment: BENCH_ROUNDS (3), BENCH_SECONDS (3), BENCH_WARMUP_SECONDS (0.5),
 * BENCH_CONCURRENCY ("1,8"), BENCH_REPORT (reports/bench/edge.json),
 * BENCH_EDGE_LOG_LEVEL (warn; `info` writes the one line per request), BENCH_EDGE_NODE_ARGS (extra node flags of the edge process, space-separated, e.g.
 * `--cpu-prof --cpu-prof-dir=reports/prof`).
 *
 * A/B of two edges in the same run: BENCH_EDGE_BASELINE_DIST (a folder holding another compiled
 * edge, e.g. `.cache/bench-dist-base` compiled from main) and/or BENCH_EDGE_BASELINE_ENV (JSON
 * object of env overrides, e.g. `{"EDGE_JWT_CACHE_SIZE":"0"}`) start a second edge, "edge B",
 * measured in every round next to the two other paths; the report adds edge B's figures and the
 * ratio of the edge's added p50 to edge B's.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '@archipelago/platform-local-postgres';
// Shared with the catalog's gRPC benchmark (benchmark code, not part of either program).
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  closedLoop,
  formatTable,
  median,
  minMax,
  rssSampler,
  startCatalogStack,
  startProcess,
  type CatalogStack,
  type LoadResult,
  type Proc,
} from '../../../systems/commerce/catalog/bench/catalog-stack.js';

const config = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  seconds: Number(process.env.BENCH_SECONDS ?? 3),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 0.5),
  concurrency: (process.env.BENCH_CONCURRENCY ?? '1,8').split(',').map(Number),
  report: resolve(process.env.BENCH_REPORT ?? 'reports/bench/edge.json'),
  edgeNodeArgs: (process.env.BENCH_EDGE_NODE_ARGS ?? '').split(' ').filter(Boolean),
  baselineDist: process.env.BENCH_EDGE_BASELINE_DIST ? resolve(process.env.BENCH_EDGE_BASELINE_DIST) : undefined,
  baselineEnv: JSON.parse(process.env.BENCH_EDGE_BASELINE_ENV ?? '{}') as Record<string, string>,
};
const withBaseline = config.baselineDist !== undefined || process.env.BENCH_EDGE_BASELINE_ENV !== undefined;
const PATH = '/commerce/v1/products?limit=20';
type Path = 'direct' | 'edge' | 'edgeB';
interface Sample extends LoadResult {
  path: Path;
  concurrency: number;
  round: number;
}

let stack: CatalogStack | undefined;
let edge: Proc | undefined;
let edgeB: Proc | undefined;
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One GET; resolves when the whole body is read; rejects on a status other than 200. */
function get(base: URL, token: string): Promise<void> {
  return new Promise((resolveGet, reject) => {
    const req = httpRequest(
      { host: base.hostname, port: base.port, path: PATH, agent, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => (res.statusCode === 200 ? resolveGet() : reject(new Error(`status ${res.statusCode}`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const began = performance.now();
  console.log(
    `edge bench: GET ${PATH} through the edge vs directly, concurrency ${config.concurrency.join('/')}, ` +
      `${config.rounds} round(s) of ${config.seconds} s`,
  );
  stack = await startCatalogStack(20);
  const edgeEnv = (port: number) => ({
    EDGE_PORT: String(port),
    EDGE_STATUS_PORT: '0',
    EDGE_UPSTREAMS: JSON.stringify({
      'catalog.commerce:8080': stack!.httpUrl,
      'identity.identity:8080': stack!.issuer.url,
    }),
    EDGE_JWKS_URL: stack!.issuer.jwksUrl,
    LOG_LEVEL: process.env.BENCH_EDGE_LOG_LEVEL ?? 'warn',
    NODE_ENV: 'production',
  });
  const edgePort = await freePort();
  edge = await startProcess({
    name: 'edge',
    entry: 'apps/edge/src/main.ts',
    env: edgeEnv(edgePort),
    nodeArgs: config.edgeNodeArgs,
    // Its /health wants every upstream of kong.yml ready; only catalog (and the issuer) run here.
    readyLine: 'edge listening on',
  });
  const edgeBPort = await freePort();
  if (withBaseline) {
    const distDir = process.env.BENCH_DIST_DIR ?? join(process.cwd(), '.cache/bench-dist');
    edgeB = await startProcess({
      name: 'edge B',
      // startProcess resolves the entry in the bench's output folder; a relative path leaves it.
      entry: relative(distDir, join(config.baselineDist ?? distDir, 'apps/edge/src/main.ts')),
      env: {
        ...edgeEnv(edgeBPort),
        ...(config.baselineDist && { ARCHIPELAGO_DIST_DIR: config.baselineDist }),
        ...config.baselineEnv,
      },
      readyLine: 'edge listening on',
    });
  }
  const tokens = await Promise.all(Array.from({ length: 400 }, () => stack!.issuer.token(randomUUID(), ['customer'])));
  let next = 0;
  const token = () => tokens[next++ % tokens.length]!;
  const targets: Record<Path, URL> = {
    direct: new URL(stack.httpUrl),
    edge: new URL(`http://127.0.0.1:${edgePort}`),
    edgeB: new URL(`http://127.0.0.1:${edgeBPort}`),
  };
  const paths: Path[] = withBaseline ? ['direct', 'edge', 'edgeB'] : ['direct', 'edge'];
  for (const p of paths) await get(targets[p], token());
  console.log(`  stack up after ${((performance.now() - began) / 1000).toFixed(1)} s`);

  const samples: Sample[] = [];
  const rss = { catalog: [] as number[], edge: [] as number[] };
  for (let round = 1; round <= config.rounds; round++) {
    for (const concurrency of config.concurrency) {
      const order: Path[] = round % 2 ? paths : [...paths].reverse();
      for (const path of order) {
        const catalogRss = rssSampler(stack.catalog.child.pid!);
        const edgeRss = path === 'edge' ? rssSampler(edge.child.pid!) : undefined;
        const result = await closedLoop(
          () => get(targets[path], token()),
          concurrency,
          config.seconds,
          config.warmupSeconds,
        );
        rss.catalog.push(catalogRss.stop().maxBytes);
        if (edgeRss) rss.edge.push(edgeRss.stop().maxBytes);
        samples.push({ ...result, path, concurrency, round });
        console.log(
          `  round ${round} ${path.padEnd(6)} c=${concurrency}: ${Math.round(result.callsPerSecond)} req/s, ` +
            `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms${result.errors ? `, ${result.errors} errors` : ''}`,
        );
      }
    }
  }

  const pick = (path: Path, concurrency: number, round: number) =>
    samples.find((s) => s.path === path && s.concurrency === concurrency && s.round === round);
  const rows = config.concurrency.flatMap((concurrency) =>
    paths.map((path) => {
      const s = samples.filter((x) => x.path === path && x.concurrency === concurrency);
      const diff = (f: (x: Sample) => number) =>
        median(
          s.map((x) => {
            const base = pick('direct', concurrency, x.round);
            return base ? f(x) - f(base) : NaN;
          }),
        );
      return {
        path,
        label: { direct: 'directly to catalog (baseline)', edge: 'through the edge', edgeB: 'through edge B' }[path],
        concurrency,
        requestsPerSecond: median(s.map((x) => x.callsPerSecond)),
        requestsPerSecondMinMax: minMax(s.map((x) => x.callsPerSecond)),
        p50Ms: median(s.map((x) => x.p50Ms)),
        p50MsMinMax: minMax(s.map((x) => x.p50Ms)),
        p99Ms: median(s.map((x) => x.p99Ms)),
        p99MsMinMax: minMax(s.map((x) => x.p99Ms)),
        addedP50Ms: diff((x) => x.p50Ms),
        addedP99Ms: diff((x) => x.p99Ms),
        errors: s.reduce((a, x) => a + x.errors, 0),
      };
    }),
  );
  const elapsed = (performance.now() - began) / 1000;
  const f = (n: number, d = 0) =>
    Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-';
  console.log(
    `\nMedians of ${config.rounds} round(s) of ${config.seconds} s [min–max]; "+p50"/"+p99": median over rounds of (edge − direct) ` +
      `in the same round. Node ${process.version}, ${os.cpus().length} CPU(s); client, edge, catalog and Postgres share the CPUs.\n`,
  );
  console.log(
    formatTable(
      ['path', 'concurrency', 'req/s', 'p50 ms', 'p50 min–max', 'p99 ms', '+p50 ms', '+p99 ms'],
      rows.map((r) => [
        r.label,
        String(r.concurrency),
        f(r.requestsPerSecond),
        f(r.p50Ms, 2),
        `${f(r.p50MsMinMax[0], 2)}–${f(r.p50MsMinMax[1], 2)}`,
        f(r.p99Ms, 2),
        r.path !== 'direct' ? f(r.addedP50Ms, 2) : '',
        r.path !== 'direct' ? f(r.addedP99Ms, 2) : '',
      ]),
    ),
  );
  const mb = (b: number[]) => (Math.max(...b) / 2 ** 20).toFixed(0);
  const c1 = rows.find((r) => r.path === 'edge' && r.concurrency === 1);
  console.log(
    `\nedge adds ${f(c1?.addedP50Ms ?? NaN, 2)} ms at p50 with one client (target ≤ 1 ms). ` +
      `Resident memory under load: catalog max ${mb(rss.catalog)} MB, edge max ${mb(rss.edge)} MB (target < 200 MB)`,
  );
  if (withBaseline) {
    for (const concurrency of config.concurrency) {
      const added = (path: Path) =>
        rows.find((r) => r.path === path && r.concurrency === concurrency)?.addedP50Ms ?? NaN;
      console.log(
        `c=${concurrency}: edge adds ${f(added('edge'), 2)} ms at p50, edge B ${f(added('edgeB'), 2)} ms ` +
          `(ratio ${f(added('edge') / added('edgeB'), 2)}×)`,
      );
    }
  }
  console.log(
    `bench time ${elapsed.toFixed(1)} s, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await mkdir(dirname(config.report), { recursive: true });
  await writeFile(
    config.report,
    JSON.stringify(
      {
        benchmark: 'edge',
        date: new Date().toISOString(),
        environment: {
          node: process.version,
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model,
          memoryBytes: os.totalmem(),
          platform: `${os.platform()} ${os.release()}`,
          loadAverageAfter: os.loadavg(),
        },
        config: { ...config, report: undefined, path: PATH, edgeB: withBaseline },
        elapsedSeconds: elapsed,
        results: rows,
        rssMaxBytes: { catalog: Math.max(...rss.catalog), edge: Math.max(...rss.edge) },
        samples,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`results written to ${config.report}`);
}

async function cleanup(): Promise<void> {
  agent.destroy();
  await edge?.stop().catch(() => undefined);
  await edgeB?.stop().catch(() => undefined);
  await stack?.stop().catch(() => undefined);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}
try {
  await main();
  await cleanup();
  process.exit(0);
} catch (error) {
  console.error(error);
  await cleanup();
  process.exit(1);
}
