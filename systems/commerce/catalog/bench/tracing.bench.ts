/**
 * `npm run bench -- tracing`: what OpenTelemetry tracing at 100 % sampling costs the catalog's gRPC
 * `GetProducts` (20 ids). Catalog stacks side by side, each with its own Postgres and seeded alike:
 * one started as in production without an exporter destination (telemetry off), and traced ones
 * with the telemetry bootstrap on (`--import …/telemetry/src/register.js`): OTLP/HTTP protobuf as
 * the charts configure and the Zipkin JSON of `npm start -- --observe`, both sampling 100 %, and
 * OTLP at prod's ratio (5 %); every span goes to a local HTTP sink in this process that accepts and
 * counts them. The bench client itself is not traced, so each call is a root span (the grpc server
 * span and its pg query span), sampled by trace-id ratio. Rounds run the targets one after the other, in reverse order every other round; figures
 * are medians over rounds, the ratio (traced / off) per round, median over rounds. Beside calls/s, the catalog process's CPU time per call (/proc) in the measured
 * seconds: less sensitive to other load on the machine than calls/s. Target (issue 13): at most
 * 10 % fewer calls/s. Writes `reports/bench/tracing.json`.
 *
 * Environment: BENCH_ROUNDS (3), BENCH_SECONDS (3 per run), BENCH_WARMUP_SECONDS (0.5),
 * BENCH_CONCURRENCY (default "1,16"), BENCH_REPORT (reports/bench/tracing.json),
 * BENCH_TRACED (`otlp,zipkin,otlp@0.05`: the traced catalogs, exporter@ratio), BENCH_CPU_PROF (a folder: every
 * catalog runs with `node --cpu-prof` and writes its profile there when it stops), BENCH_SPANS_SAMPLE
 * (a path: each traced catalog's first export body is written to `<path>.<target>`).
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
   * The traced catalogs, `<exporter>[@<sampling ratio>]` each: `otlp` (OTLP/HTTP protobuf, as the
   * charts configure), `zipkin` (Zipkin JSON, as `npm start -- --observe`); ratio 1 unless given
   * (`otlp@0.05`: prod's parent-based ratio).
   */
  traced: (process.env.BENCH_TRACED ?? 'otlp,zipkin,otlp@0.05').split(',').map((s) => s.trim()),
  /** When set: every catalog runs with `--cpu-prof` and writes its profile into this folder. */
  cpuProfDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
  /** When set: the body of each traced catalog's first export is written to `<this>.<target>` (what a call's spans are). */
  spansSample: process.env.BENCH_SPANS_SAMPLE ? resolve(process.env.BENCH_SPANS_SAMPLE) : undefined,
};
type Exporter = 'otlp' | 'zipkin';
/** `off`, or a traced catalog as in {@link config.traced}. */
type Target = string;
const tracedTargets = config.traced.map((target, index) => {
  const [exporter, ratio = '1'] = target.split('@') as [string, string?];
  if ((exporter !== 'otlp' && exporter !== 'zipkin') || !(Number(ratio) > 0 && Number(ratio) <= 1)) {
    throw new Error(`BENCH_TRACED: "${target}" is not otlp|zipkin[@ratio]`);
  }
  return { target, exporter: exporter as Exporter, ratio, path: `/t${index}` };
});
const stacks: CatalogStack[] = [];
const clients: GrpcClient<CatalogServiceClient>[] = [];
/** Exports each traced catalog sent to the sink (its own path prefix). */
const received = new Map(tracedTargets.map((t) => [t.path, { target: t.target, posts: 0, bytes: 0 }]));
const sink = createServer((req, res) => {
  const counter = received.get(/^\/t\d+/.exec(req.url ?? '')?.[0] ?? '');
  if (!counter) return void res.writeHead(404).end();
  const body: Buffer[] | undefined = counter.posts === 0 && config.spansSample ? [] : undefined;
  req.on('data', (chunk: Buffer) => {
    counter.bytes += chunk.length;
    body?.push(chunk);
  });
  req.on('end', () => {
    if (body && counter.posts === 0) void writeFile(`${config.spansSample}.${counter.target}`, Buffer.concat(body));
    counter.posts++;
    res.writeHead(req.url?.endsWith('/v1/traces') ? 200 : 202).end();
  });
});

const label = (target: Target): string => {
  const t = tracedTargets.find((x) => x.target === target);
  if (!t) return 'telemetry off (no exporter)';
  return `traced, ${Number(t.ratio) * 100} %, ${t.exporter === 'otlp' ? 'OTLP/HTTP protobuf' : 'Zipkin JSON'}`;
};

async function main(): Promise<void> {
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const sinkBase = `http://127.0.0.1:${(sink.address() as { port: number }).port}`;
  console.log(
    `tracing bench: GetProducts(20 ids), telemetry off vs on (${config.traced.join(', ')}), concurrency ${config.concurrency.join('/')}, ${config.rounds} round(s) of ${config.seconds} s`,
  );
  const profArgs = config.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${config.cpuProfDir}`] : [];
  const exporterEnv = (exporter: Exporter, base: string): Record<string, string> =>
    exporter === 'zipkin'
      ? { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${base}/api/v2/spans` }
      : {
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_EXPORTER_OTLP_ENDPOINT: base,
        };
  const targetStacks = new Map<Target, CatalogStack>();
  const off = await startCatalogStack(20, { nodeArgs: profArgs });
  stacks.push(off);
  targetStacks.set('off', off);
  for (const { target, exporter, ratio, path } of tracedTargets) {
    const traced = await startCatalogStack(20, {
      nodeArgs: [...profArgs, '--import', join(distDir(), 'libs/platform/telemetry/src/register.js')],
      env: {
        ...exporterEnv(exporter, `${sinkBase}${path}`),
        // as the charts: parent-based, by trace-id ratio
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: ratio,
        OTEL_SERVICE_NAME: 'catalog',
      },
    });
    stacks.push(traced);
    targetStacks.set(target, traced);
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
  const targetList: Target[] = ['off', ...config.traced];
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
        label(r.target),
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
  for (const { target, posts, bytes } of received.values()) {
    console.log(`spans exported (${target}): ${posts} POSTs, ${(bytes / 2 ** 20).toFixed(1)} MB`);
    if (posts === 0)
      throw new Error(`the ${target}-traced catalog exported no span: the telemetry bootstrap is not working`);
  }
  await mkdir(dirname(config.report), { recursive: true });
  await writeFile(
    config.report,
    `${JSON.stringify({ benchmark: 'tracing', date: new Date().toISOString(), environment: { node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg() }, config: { ...config, report: undefined }, received: [...received.values()], results: rows, samples }, null, 2)}\n`,
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
