/**
 * `npm run bench -- tracing`: what OpenTelemetry tracing at 100 % sampling costs the catalog's gRPC
 * `GetProducts` (20 ids). Catalog stacks side by side, each with its own Postgres and seeded alike:
 * one started as in production without an exporter destination (telemetry off), and per exporter
 * one with the telemetry bootstrap on (`--import …/telemetry/src/register.js`): OTLP/HTTP protobuf
 * as the charts configure, and the Zipkin JSON of `npm start -- --observe`; every span goes to a
 * local HTTP sink in this process that accepts and counts them. The bench client itself is not
 * traced, so each call is a root span (the grpc server span and its pg query spans) sampled at
 * 100 %. Rounds run the targets one after the other, in reverse order every other round; figures
 * are medians over rounds, the ratio (traced / off) per round, median over rounds. Beside calls/s, the catalog process's CPU time per call (/proc) in the measured
 * seconds: less sensitive to other load on the machine than calls/s. Target (issue 13): at most
 * 10 % fewer calls/s. Writes `reports/bench/tracing.json`.
 *
 * Environment: BENCH_ROUNDS (3), BENCH_SECONDS (3 per run), BENCH_WARMUP_SECONDS (0.5),
 * BENCH_CONCURRENCY (default "1,16"), BENCH_REPORT (reports/bench/tracing.json),
 * BENCH_TRACES_EXPORTER (`otlp,zipkin`: the traced catalogs), BENCH_CPU_PROF (a folder: every
 * catalog runs with `node --cpu-prof` and writes its profile there when it stops), BENCH_SPANS_SAMPLE
 * (a path: each exporter's first export body is written to `<path>.<exporter>`).
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
  processCpuMs,
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
  /**
   * The traced catalogs, one per exporter: `otlp` (OTLP/HTTP protobuf, as the charts configure)
   * and `zipkin` (Zipkin JSON, as `npm start -- --observe`).
   */
  exporters: (process.env.BENCH_TRACES_EXPORTER ?? 'otlp,zipkin').split(',').map((s) => s.trim()) as Exporter[],
  /** When set: every catalog runs with `--cpu-prof` and writes its profile into this folder. */
  cpuProfDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
  /** When set: the body of each exporter's first export is written to `<this>.<exporter>` (what a call's spans are). */
  spansSample: process.env.BENCH_SPANS_SAMPLE ? resolve(process.env.BENCH_SPANS_SAMPLE) : undefined,
};
type Exporter = 'otlp' | 'zipkin';
if (config.exporters.some((e) => e !== 'otlp' && e !== 'zipkin')) throw new Error('BENCH_TRACES_EXPORTER: otlp and/or zipkin');
type Target = 'off' | Exporter;
const SINK_PATHS: Record<string, Exporter> = { '/v1/traces': 'otlp', '/api/v2/spans': 'zipkin' };
const stacks: CatalogStack[] = [];
const clients: GrpcClient<CatalogServiceClient>[] = [];
const received = { otlp: { posts: 0, bytes: 0 }, zipkin: { posts: 0, bytes: 0 } };
const sink = createServer((req, res) => {
  const exporter = SINK_PATHS[req.url ?? ''];
  if (!exporter) return void res.writeHead(404).end();
  const counter = received[exporter];
  const body: Buffer[] | undefined = counter.posts === 0 && config.spansSample ? [] : undefined;
  req.on('data', (chunk: Buffer) => {
    counter.bytes += chunk.length;
    body?.push(chunk);
  });
  req.on('end', () => {
    if (body && counter.posts === 0) void writeFile(`${config.spansSample}.${exporter}`, Buffer.concat(body));
    counter.posts++;
    res.writeHead(exporter === 'otlp' ? 200 : 202).end();
  });
});

const LABELS: Record<Target, string> = {
  off: 'telemetry off (no exporter)',
  otlp: 'traced, 100 %, OTLP/HTTP protobuf',
  zipkin: 'traced, 100 %, Zipkin JSON',
};

async function main(): Promise<void> {
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const sinkBase = `http://127.0.0.1:${(sink.address() as { port: number }).port}`;
  console.log(
    `tracing bench: GetProducts(20 ids), telemetry off vs on at 100 % (exporters: ${config.exporters.join(', ')}), concurrency ${config.concurrency.join('/')}, ${config.rounds} round(s) of ${config.seconds} s`,
  );
  const profArgs = config.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${config.cpuProfDir}`] : [];
  const exporterEnv: Record<Exporter, Record<string, string>> = {
    zipkin: { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${sinkBase}/api/v2/spans` },
    otlp: { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: sinkBase },
  };
  const targetStacks = new Map<Target, CatalogStack>();
  const off = await startCatalogStack(20, { nodeArgs: profArgs });
  stacks.push(off);
  targetStacks.set('off', off);
  for (const exporter of config.exporters) {
    const traced = await startCatalogStack(20, {
      nodeArgs: [...profArgs, '--import', join(distDir(), 'libs/platform/telemetry/src/register.js')],
      env: { ...exporterEnv[exporter], OTEL_TRACES_SAMPLER: 'parentbased_always_on', OTEL_SERVICE_NAME: 'catalog' },
    });
    stacks.push(traced);
    targetStacks.set(exporter, traced);
  }
  if (config.cpuProfDir) {
    console.log(
      `  CPU profiles into ${config.cpuProfDir}: ${[...targetStacks].map(([t, s]) => `${t} = pid ${s.catalog.child.pid}`).join(', ')}`,
    );
  }
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
    return { c, request: { ids: stack.productIds }, pid: stack.catalog.child.pid! };
  };
  const targetList: Target[] = ['off', ...config.exporters];
  const targets = new Map<Target, Awaited<ReturnType<typeof client>>>();
  for (const t of targetList) targets.set(t, await client(targetStacks.get(t)!));
  for (const t of targets.values()) {
    const answer = await t.c.getProducts(t.request);
    if (answer.products.length !== 20) throw new Error(`catalog answered ${answer.products.length} products`);
  }
  const samples: (LoadResult & { target: Target; concurrency: number; round: number; cpuMsPerCall: number })[] = [];
  for (let round = 1; round <= config.rounds; round++) {
    for (const concurrency of config.concurrency) {
      // Alternate the order from round to round, so no target always runs first (or last).
      const order = round % 2 ? targetList : [...targetList].reverse();
      for (const target of order) {
        const { c, request, pid } = targets.get(target)!;
        let cpuAtStart = NaN;
        let cpuMs = NaN;
        const result = await closedLoop(
          async () => void (await c.getProducts(request)),
          concurrency,
          config.seconds,
          config.warmupSeconds,
          {
            onMeasureStart: () => (cpuAtStart = processCpuMs(pid)),
            onMeasureEnd: () => (cpuMs = processCpuMs(pid) - cpuAtStart),
          },
        );
        const cpuMsPerCall = cpuMs / result.calls;
        samples.push({ ...result, target, concurrency, round, cpuMsPerCall });
        console.log(
          `  round ${round} ${target.padEnd(6)} c=${String(concurrency).padStart(2)}: ${Math.round(result.callsPerSecond)} calls/s, p99 ${result.p99Ms.toFixed(2)} ms, catalog CPU ${(cpuMsPerCall * 1000).toFixed(0)} µs/call`,
        );
      }
    }
  }
  // Let the batch span processors flush (5 s schedule) before reading the sink's counters.
  await new Promise((r) => setTimeout(r, 6000));
  const ratioToOff = (x: (typeof samples)[number], value: (s: (typeof samples)[number]) => number) => {
    const off = samples.find((b) => b.target === 'off' && b.concurrency === x.concurrency && b.round === x.round);
    return off ? value(x) / value(off) : NaN;
  };
  const rows = config.concurrency.flatMap((concurrency) =>
    targetList.map((target) => {
      const s = samples.filter((x) => x.target === target && x.concurrency === concurrency);
      const ratios = s.map((x) => ratioToOff(x, (y) => y.callsPerSecond)).filter(Number.isFinite);
      const cpuRatios = s.map((x) => ratioToOff(x, (y) => y.cpuMsPerCall)).filter(Number.isFinite);
      return {
        target,
        concurrency,
        callsPerSecond: median(s.map((x) => x.callsPerSecond)),
        callsPerSecondMinMax: minMax(s.map((x) => x.callsPerSecond)),
        p99Ms: median(s.map((x) => x.p99Ms)),
        vsOff: median(ratios),
        vsOffPerRound: ratios,
        cpuUsPerCall: median(s.map((x) => x.cpuMsPerCall * 1000)),
        cpuVsOff: median(cpuRatios),
        errors: s.reduce((a, x) => a + x.errors, 0),
      };
    }),
  );
  const f = (n: number, d = 0) =>
    Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-';
  console.log(
    `\nMedians of ${config.rounds} round(s) of ${config.seconds} s [min–max]; Node ${process.version}, ${os.cpus().length} CPU(s), load average ${os.loadavg()[0]!.toFixed(1)} at the end. "vs off": median over rounds of the calls/s ratio (each round's ratios listed); "CPU": the catalog process's user+system time per call in the measured seconds (/proc), its ratio likewise.\n`,
  );
  console.log(
    formatTable(
      ['catalog', 'concurrency', 'calls/s', 'min–max', 'p99 ms', 'vs off', 'per round', 'CPU µs/call', 'CPU vs off'],
      rows.map((r) => [
        LABELS[r.target],
        String(r.concurrency),
        f(r.callsPerSecond),
        `${f(r.callsPerSecondMinMax[0])}–${f(r.callsPerSecondMinMax[1])}`,
        f(r.p99Ms, 2),
        `${f(r.vsOff, 2)}x`,
        r.vsOffPerRound.map((x) => f(x, 2)).join(' '),
        f(r.cpuUsPerCall),
        `${f(r.cpuVsOff, 2)}x`,
      ]),
    ),
  );
  for (const exporter of config.exporters) {
    const { posts, bytes } = received[exporter];
    console.log(`spans exported (${exporter}): ${posts} POSTs, ${(bytes / 2 ** 20).toFixed(1)} MB`);
    if (posts === 0) throw new Error(`the ${exporter}-traced catalog exported no span: the telemetry bootstrap is not working`);
  }
  await mkdir(dirname(config.report), { recursive: true });
  await writeFile(
    config.report,
    `${JSON.stringify({ benchmark: 'tracing', date: new Date().toISOString(), environment: { node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg() }, config: { ...config, report: undefined }, received, results: rows, samples }, null, 2)}\n`,
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
