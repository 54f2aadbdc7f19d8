// `npm run bench [-- part ...]`: compiles the benchmarks (and only what they import) and runs them, one
// after the other, on the compiled output with the alias hook (tools/register.mjs). Parts:
//   eventstore  event store appends vs raw pg INSERTs and vs Emmett   (libs/platform/event-store/bench)
//   outbox      outbox relay -> Kafka vs kafkajs producing directly   (libs/platform/messaging/bench)
//   grpc        catalog GetProducts vs a grpc-js echo server          (systems/commerce/catalog/bench)
//   tracing     catalog GetProducts with tracing at 100 % vs off      (systems/commerce/catalog/bench)
//   edge        a request through the edge vs directly to catalog     (apps/edge/bench)
//   recurrence  occurrence expansion: util-calendar vs rrule-temporal vs ical.js (libs/util/calendar/bench)
//   report      the daily sales job over a day of 100,000 orders vs a count(*) of its events (systems/commerce/ordering/bench)
//   registry-search  search of 100,000 registry entities: p50/p95 vs a primary-key read      (systems/registry/registry/bench)
//   registry-create  an entity create and its parts, statements per create, vs a primary-key read (systems/registry/registry/bench)
//   notifications  order event -> WebSocket push latency, postgres and Kafka, vs a raw NOTIFY round trip (systems/notifications/notifications/bench)
// No part named: all of them (about 6 minutes on 2 cores; recurrence adds about 20 s, report about 1 min). Each writes reports/bench/<name>.json;
// `node tools/perf/plot.mjs` turns those into docs/performance/*.png.
// The output goes to .cache/bench-dist by default, not dist/, so a concurrent `npm run build` or
// watcher never races with it; BENCH_OUT_DIR overrides. The services the benchmarks start (catalog,
// edge) are compiled into the same folder and run from there. Settings of each benchmark
// (BENCH_SECONDS, BENCH_ROUNDS, …) are documented at the top of its file; when all parts run, the
// event store bench defaults to 3 rounds (BENCH_ROUNDS still wins).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.env.BENCH_OUT_DIR ?? '.cache/bench-dist');
/** Entry of each part, and sources it loads without a static import (tsc must be told about them). */
const PARTS = {
  eventstore: {
    entry: 'libs/platform/event-store/bench/event-store.bench.ts',
    extra: ['libs/platform/messaging/src/index.ts'],
  },
  outbox: { entry: 'libs/platform/messaging/bench/outbox-relay.bench.ts', extra: [] },
  grpc: {
    entry: 'systems/commerce/catalog/bench/grpc.bench.ts',
    extra: ['systems/commerce/catalog/src/main.ts', 'systems/commerce/catalog/bench/grpc-echo.server.ts'],
  },
  tracing: {
    entry: 'systems/commerce/catalog/bench/tracing.bench.ts',
    extra: ['systems/commerce/catalog/src/main.ts', 'libs/platform/telemetry/src/register.ts'],
  },
  edge: {
    entry: 'apps/edge/bench/edge.bench.ts',
    extra: ['systems/commerce/catalog/src/main.ts', 'apps/edge/src/main.ts'],
  },
  recurrence: { entry: 'libs/util/calendar/bench/expansion.bench.ts', extra: [] },
  report: { entry: 'systems/commerce/ordering/bench/daily-sales.bench.ts', extra: [] },
  'registry-search': { entry: 'systems/registry/registry/bench/registry-search.bench.ts', extra: [] },
  'registry-create': { entry: 'systems/registry/registry/bench/registry-create.bench.ts', extra: [] },
  notifications: {
    entry: 'systems/notifications/notifications/bench/push-latency.bench.ts',
    extra: ['systems/notifications/notifications/src/main.ts'],
  },
};
const requested = process.argv.slice(2).filter((a) => a !== '--');
for (const p of requested) {
  if (!(p in PARTS)) {
    console.error(`bench: unknown part "${p}"; known: ${Object.keys(PARTS).join(', ')}`);
    process.exit(2);
  }
}
const parts = requested.length ? [...new Set(requested)] : Object.keys(PARTS);
const files = [...new Set(parts.flatMap((p) => [PARTS[p].entry, ...PARTS[p].extra]))];

// A throwaway tsconfig: the build settings of the workspace, restricted to the benchmark and what
// it imports. Errors in unrelated projects (work in progress) cannot stop it, and it is quick.
mkdirSync(outDir, { recursive: true });
const tsconfig = join(outDir, 'tsconfig.bench.json');
writeFileSync(
  tsconfig,
  JSON.stringify(
    {
      extends: join(root, 'tsconfig.build.json'),
      compilerOptions: { outDir, tsBuildInfoFile: join(outDir, '.bench.tsbuildinfo') },
      files: files.map((f) => join(root, f)),
      include: [],
    },
    null,
    2,
  ),
);

const started = Date.now();
console.log(`bench: compiling into ${outDir}`);
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], {
  cwd: root,
  stdio: 'inherit',
});
const compiledOf = (p) => join(outDir, PARTS[p].entry.replace(/\.ts$/, '.js'));
if (tsc.status !== 0) {
  const missing = parts.filter((p) => !existsSync(compiledOf(p)));
  if (tsc.error || missing.length === parts.length) {
    console.error(`bench: compilation failed${tsc.error ? `: ${tsc.error.message}` : ''}`);
    process.exit(1);
  }
  console.error('bench: tsc reported errors (see above); running what it emitted anyway');
}
console.log(`bench: compiled in ${((Date.now() - started) / 1000).toFixed(1)} s; parts: ${parts.join(', ')}`);

let child;
let interrupted = false;
// Ctrl-C reaches the whole process group, the benchmark included: it stops what it started and
// exits. This process just waits for that; signals sent to it alone are passed on.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    interrupted = true;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

const failed = [];
for (const part of parts) {
  if (interrupted) break;
  const compiled = compiledOf(part);
  if (!existsSync(compiled)) {
    console.error(`bench: ${part}: ${compiled} was not emitted`);
    failed.push(part);
    continue;
  }
  const partStarted = Date.now();
  console.log(`\n==== bench ${part} ====`);
  const env = { ...process.env, ARCHIPELAGO_DIST_DIR: outDir, BENCH_DIST_DIR: outDir };
  delete env.BENCH_REPORT; // each part has its own report file
  if (process.env.BENCH_REPORT && parts.length === 1) env.BENCH_REPORT = process.env.BENCH_REPORT;
  if (part === 'eventstore' && parts.length > 1 && !process.env.BENCH_ROUNDS) env.BENCH_ROUNDS = '3';
  child = spawn(
    process.execPath,
    ['--enable-source-maps', '--import', pathToFileURL(join(root, 'tools/register.mjs')).href, compiled],
    { cwd: root, stdio: 'inherit', env },
  );
  const code = await new Promise((resolveExit) =>
    child.on('exit', (c, signal) => resolveExit(c ?? (signal ? 128 + 2 : 1))),
  );
  console.log(
    `bench: ${part} took ${((Date.now() - partStarted) / 1000).toFixed(1)} s${code ? ` (exit ${code})` : ''}`,
  );
  if (code !== 0) failed.push(part);
}
console.log(
  `bench: total ${((Date.now() - started) / 1000).toFixed(1)} s${failed.length ? `; failed: ${failed.join(', ')}` : ''}`,
);
process.exit(interrupted ? 130 : failed.length ? 1 : 0);
