/**
 * `npm run bench -- grpc`: `GetProducts` unary calls against the real catalog service (compiled,
 * its own process, Postgres behind it, 20 products seeded) next to a baseline: a trivial grpc-js
 * server of the same contract answering the same response (grpc-echo.server.ts, own process), so
 * the difference is what NestJS, the query bus and the read model add per call.
 *
 * Client: the platform's `createGrpcClient` (deadline, metadata, retry policy), one channel,
 * `concurrency` closed loops; each call asks for the 20 seeded ids. Rounds alternate the two
 * servers; figures are medians over rounds, ratios per round (catalog / echo), median over rounds.
 * The catalog's resident memory (VmRSS) is sampled during its runs.
 * Writes `reports/bench/grpc.json`.
 *
 * Environment: BENCH_ROUNDS (3), BENCH_SECONDS (3 per run), BENCH_WARMUP_SECONDS (0.5),
 * BENCH_CONCURRENCY (default "1,16"), BENCH_REPORT (reports/bench/grpc.json).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';
import {
  CATALOG_PROTO_FILE,
  CATALOG_SERVICE_FQN,
  commerceProtoRoot,
  type CatalogServiceClient,
} from '@archipelago/commerce-contracts';
import { freePort } from '@archipelago/platform-local-postgres';
import { createGrpcClient, type GrpcClient } from '@archipelago/platform-grpc';
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
} from './catalog-stack.js';

const config = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  seconds: Number(process.env.BENCH_SECONDS ?? 3),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 0.5),
  concurrency: (process.env.BENCH_CONCURRENCY ?? '1,16').split(',').map(Number),
  report: resolve(process.env.BENCH_REPORT ?? 'reports/bench/grpc.json'),
};
type Target = 'catalog' | 'echo';
interface Sample extends LoadResult {
  target: Target;
  concurrency: number;
  round: number;
}

let stack: CatalogStack | undefined;
let echo: Proc | undefined;
const clients: GrpcClient<CatalogServiceClient>[] = [];

async function main(): Promise<void> {
  const began = performance.now();
  console.log(
    `gRPC bench: GetProducts(20 ids), catalog vs grpc-js echo, concurrency ${config.concurrency.join('/')}, ` +
      `${config.rounds} round(s) of ${config.seconds} s`,
  );
  stack = await startCatalogStack(20);
  // Catalog's gRPC server authenticates every call: a service token for catalog.commerce.
  const authorization = `Bearer ${await stack.issuer.serviceToken('bench')}`;
  const client = (address: string) => {
    const c = createGrpcClient<CatalogServiceClient>({
      address,
      service: CATALOG_SERVICE_FQN,
      protoRoot: commerceProtoRoot(),
      protoFiles: [CATALOG_PROTO_FILE],
      deadlineMs: 5000,
      getContextMetadata: () => ({ authorization }),
    });
    clients.push(c);
    return c;
  };
  const catalogClient = client(stack.grpcAddress);
  const request = { ids: stack.productIds };
  const answer = await catalogClient.getProducts(request);
  if (answer.products.length !== 20) throw new Error(`catalog answered ${answer.products.length} products`);
  const responseFile = join(dirname(config.report), '.grpc-echo-response.json');
  await mkdir(dirname(config.report), { recursive: true });
  writeFileSync(responseFile, JSON.stringify(answer));
  const echoPort = await freePort();
  echo = await startProcess({
    name: 'grpc echo',
    entry: 'systems/commerce/catalog/bench/grpc-echo.server.ts',
    env: { ECHO_RESPONSE_FILE: responseFile, ECHO_PORT: String(echoPort) },
    readyLine: 'listening',
  });
  const echoClient = client(`127.0.0.1:${echoPort}`);
  const echoed = await echoClient.getProducts(request);
  if (JSON.stringify(echoed) !== JSON.stringify(answer)) throw new Error('echo answers differently');
  const responseBytes = Buffer.byteLength(JSON.stringify(answer));
  console.log(`  stack up after ${((performance.now() - began) / 1000).toFixed(1)} s`);

  const idle = rssSampler(stack.catalog.child.pid!);
  await new Promise((r) => setTimeout(r, 500));
  const catalogRssIdleBytes = idle.stop().medianBytes;
  const samples: Sample[] = [];
  const rss: number[] = [];
  for (let round = 1; round <= config.rounds; round++) {
    for (const concurrency of config.concurrency) {
      const order: Target[] = round % 2 ? ['catalog', 'echo'] : ['echo', 'catalog'];
      for (const target of order) {
        const c = target === 'catalog' ? catalogClient : echoClient;
        const sampler = target === 'catalog' ? rssSampler(stack.catalog.child.pid!) : undefined;
        const result = await closedLoop(
          async () => {
            await c.getProducts(request);
          },
          concurrency,
          config.seconds,
          config.warmupSeconds,
        );
        if (sampler) rss.push(sampler.stop().maxBytes);
        samples.push({ ...result, target, concurrency, round });
        console.log(
          `  round ${round} ${target.padEnd(7)} c=${String(concurrency).padStart(2)}: ${Math.round(result.callsPerSecond)} calls/s, ` +
            `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms${result.errors ? `, ${result.errors} errors` : ''}`,
        );
      }
    }
  }

  const rows = config.concurrency.flatMap((concurrency) =>
    (['catalog', 'echo'] as const).map((target) => {
      const s = samples.filter((x) => x.target === target && x.concurrency === concurrency);
      const ratios = s
        .map((x) => {
          const base = samples.find((b) => b.target === 'echo' && b.concurrency === concurrency && b.round === x.round);
          return base ? x.callsPerSecond / base.callsPerSecond : NaN;
        })
        .filter(Number.isFinite);
      return {
        target,
        label:
          target === 'catalog' ? 'catalog GetProducts (NestJS + read model)' : 'grpc-js echo, same response (baseline)',
        concurrency,
        callsPerSecond: median(s.map((x) => x.callsPerSecond)),
        callsPerSecondMinMax: minMax(s.map((x) => x.callsPerSecond)),
        p50Ms: median(s.map((x) => x.p50Ms)),
        p99Ms: median(s.map((x) => x.p99Ms)),
        p99MsMinMax: minMax(s.map((x) => x.p99Ms)),
        vsEcho: median(ratios),
        errors: s.reduce((a, x) => a + x.errors, 0),
      };
    }),
  );
  const catalogRssMaxBytes = Math.max(...rss);
  const elapsed = (performance.now() - began) / 1000;
  const f = (n: number, d = 0) =>
    Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-';
  console.log(
    `\nMedians of ${config.rounds} round(s) of ${config.seconds} s [min–max]; response ${responseBytes} bytes as JSON (20 products); ` +
      `Node ${process.version}, ${os.cpus().length} CPU(s). "vs echo": median over rounds of calls/s ratio.\n`,
  );
  console.log(
    formatTable(
      ['server', 'concurrency', 'calls/s', 'min–max', 'p50 ms', 'p99 ms', 'p99 min–max', 'vs echo'],
      rows.map((r) => [
        r.label,
        String(r.concurrency),
        f(r.callsPerSecond),
        `${f(r.callsPerSecondMinMax[0])}–${f(r.callsPerSecondMinMax[1])}`,
        f(r.p50Ms, 2),
        f(r.p99Ms, 2),
        `${f(r.p99MsMinMax[0], 1)}–${f(r.p99MsMinMax[1], 1)}`,
        `${f(r.vsEcho, 2)}x`,
      ]),
    ),
  );
  console.log(
    `\ncatalog resident memory (VmRSS): ${(catalogRssIdleBytes / 2 ** 20).toFixed(0)} MB after seeding, ` +
      `max ${(catalogRssMaxBytes / 2 ** 20).toFixed(0)} MB under load (target < 200 MB)`,
  );
  console.log(`bench time ${elapsed.toFixed(1)} s`);
  await writeFile(
    config.report,
    JSON.stringify(
      {
        benchmark: 'grpc',
        date: new Date().toISOString(),
        environment: {
          node: process.version,
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model,
          memoryBytes: os.totalmem(),
          platform: `${os.platform()} ${os.release()}`,
          loadAverageAfter: os.loadavg(),
        },
        config: { ...config, report: undefined },
        responseBytesJson: responseBytes,
        elapsedSeconds: elapsed,
        results: rows,
        catalogRssMaxBytes,
        catalogRssIdleBytes,
        samples,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`results written to ${config.report}`);
}

async function cleanup(): Promise<void> {
  for (const c of clients) c.close();
  await echo?.stop().catch(() => undefined);
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
