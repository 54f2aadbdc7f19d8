/**
 * `npm run bench -- tracing`: what OpenTelemetry tracing at 100 % sampling costs the catalog's gRPC
 * `GetProducts` (20 ids). Two catalog stacks side by side, each with its own Postgres and seeded
 * alike: one started as in production without an exporter destination (telemetry off), one with the
 * telemetry bootstrap on (`--import …/telemetry/src/register.js`, every span exported with the
 * Zipkin exporter to a local HTTP sink in this process that accepts and counts them). The bench
 * client itself is not traced, so each call is a root span (grpc server span + pg spans) sampled
 * at 100 %. Rounds alternate the two; figures are medians over rounds, the ratio (traced / off)
 * per round, median over rounds. Target (issue 13): at most 10 % fewer calls/s.
 * Writes `reports/bench/tracing.json`.
 *
 * Environment: BENCH_ROUNDS (3), BENCH_SECONDS (3 per run), BENCH_WARMUP_SECONDS (0.5),
 * BENCH_CONCURRENCY (default "1,16"), BENCH_REPORT (reports/bench/tracing.json).
 */
import { createServer } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  CATALOG_PROTO_FILE,
  CATALOG_SERVICE_FQN,
  commerceProtoRoot,
  type CatalogServiceClient,
} from '@archipelago/commerce-contracts';
import { createGrpcClient, type GrpcClient } from '@archipelago/platform-grpc';
import {
  closedLoop,
  distDir,
  formatTable,
  median,
  minMax,
  startCatalogStack,
  type CatalogStack,
  type LoadResult,
} from './catalog-stack.js';

const config = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  seconds: Number(process.env.BENCH_SECONDS ?? 3),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 0.5),
  concurrency: (process.env.BENCH_CONCURRENCY ?? '1,16').split(',').map(Number),
  report: resolve(process.env.BENCH_REPORT ?? 'reports/bench/tracing.json'),
};
type Target = 'off' | 'traced';
const stacks: CatalogStack[] = [];
const clients: GrpcClient<CatalogServiceClient>[] = [];
let spanPosts = 0;
let spanBytes = 0;
const sink = createServer((req, res) => {
  req.on('data', (chunk: Buffer) => (spanBytes += chunk.length));
  req.on('end', () => {
    spanPosts++;
    res.writeHead(202).end();
  });
});

async function main(): Promise<void> {
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as { port: number }).port}/api/v2/spans`;
  console.log(
    `tracing bench: GetProducts(20 ids), telemetry off vs on at 100 %, concurrency ${config.concurrency.join('/')}, ${config.rounds} round(s) of ${config.seconds} s`,
  );
  const off = await startCatalogStack(20);
  stacks.push(off);
  const traced = await startCatalogStack(20, {
    nodeArgs: ['--import', join(distDir(), 'libs/platform/telemetry/src/register.js')],
    env: {
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: sinkUrl,
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
      OTEL_SERVICE_NAME: 'catalog',
    },
  });
  stacks.push(traced);
  const client = async (stack: CatalogStack) => {
    // Catalog's gRPC server authenticates every call: a service token for catalog.commerce.
    const authorization = `Bearer ${await stack.issuer.serviceToken('bench')}`;
    const c = createGrpcClient<CatalogServiceClient>({
      address: stack.grpcAddress,
      service: CATALOG_SERVICE_FQN,
      protoRoot: commerceProtoRoot(),
      protoFiles: [CATALOG_PROTO_FILE],
      deadlineMs: 5000,
      getContextMetadata: () => ({ authorization }),
    });
    clients.push(c);
    return { c, request: { ids: stack.productIds } };
  };
  const targets = { off: await client(off), traced: await client(traced) };
  for (const t of Object.values(targets)) {
    const answer = await t.c.getProducts(t.request);
    if (answer.products.length !== 20) throw new Error(`catalog answered ${answer.products.length} products`);
  }
  const samples: (LoadResult & { target: Target; concurrency: number; round: number })[] = [];
  for (let round = 1; round <= config.rounds; round++) {
    for (const concurrency of config.concurrency) {
      const order: Target[] = round % 2 ? ['off', 'traced'] : ['traced', 'off'];
      for (const target of order) {
        const { c, request } = targets[target];
        const result = await closedLoop(
          async () => void (await c.getProducts(request)),
          concurrency,
          config.seconds,
          config.warmupSeconds,
        );
        samples.push({ ...result, target, concurrency, round });
        console.log(
          `  round ${round} ${target.padEnd(6)} c=${String(concurrency).padStart(2)}: ${Math.round(result.callsPerSecond)} calls/s, p99 ${result.p99Ms.toFixed(2)} ms`,
        );
      }
    }
  }
  // Let the batch span processor flush (5 s schedule) before reading the sink's counters.
  await new Promise((r) => setTimeout(r, 6000));
  const rows = config.concurrency.flatMap((concurrency) =>
    (['off', 'traced'] as const).map((target) => {
      const s = samples.filter((x) => x.target === target && x.concurrency === concurrency);
      const ratios = s
        .map(
          (x) =>
            x.callsPerSecond /
            (samples.find((b) => b.target === 'off' && b.concurrency === concurrency && b.round === x.round)
              ?.callsPerSecond ?? NaN),
        )
        .filter(Number.isFinite);
      return {
        target,
        concurrency,
        callsPerSecond: median(s.map((x) => x.callsPerSecond)),
        callsPerSecondMinMax: minMax(s.map((x) => x.callsPerSecond)),
        p99Ms: median(s.map((x) => x.p99Ms)),
        vsOff: median(ratios),
        errors: s.reduce((a, x) => a + x.errors, 0),
      };
    }),
  );
  const f = (n: number, d = 0) =>
    Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-';
  console.log(
    `\nMedians of ${config.rounds} round(s) of ${config.seconds} s [min–max]; Node ${process.version}, ${os.cpus().length} CPU(s). "vs off": median over rounds of the calls/s ratio.\n`,
  );
  console.log(
    formatTable(
      ['catalog', 'concurrency', 'calls/s', 'min–max', 'p99 ms', 'vs off'],
      rows.map((r) => [
        r.target === 'off' ? 'telemetry off (no exporter)' : 'traced, 100 %, Zipkin exporter',
        String(r.concurrency),
        f(r.callsPerSecond),
        `${f(r.callsPerSecondMinMax[0])}–${f(r.callsPerSecondMinMax[1])}`,
        f(r.p99Ms, 2),
        `${f(r.vsOff, 2)}x`,
      ]),
    ),
  );
  console.log(`\nspans exported: ${spanPosts} POSTs, ${(spanBytes / 2 ** 20).toFixed(1)} MB of Zipkin JSON`);
  if (spanPosts === 0) throw new Error('the traced catalog exported no span: the telemetry bootstrap is not working');
  await mkdir(dirname(config.report), { recursive: true });
  await writeFile(
    config.report,
    `${JSON.stringify({ benchmark: 'tracing', date: new Date().toISOString(), environment: { node: process.version, cpus: os.cpus().length }, config: { ...config, report: undefined }, spanPosts, spanBytes, results: rows, samples }, null, 2)}\n`,
  );
  console.log(`results written to ${config.report}`);
}

async function cleanup(): Promise<void> {
  for (const c of clients) c.close();
  await Promise.all(stacks.map((s) => s.stop().catch(() => undefined)));
  sink.close();
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
