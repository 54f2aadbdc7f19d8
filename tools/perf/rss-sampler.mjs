// `node tools/perf/rss-sampler.mjs [--state FILE] [--every SECONDS] [--out FILE]`: where the resident
// memory of a running devstack's Node processes goes, sampled until the devstack exits (or Ctrl-C).
//
// Which stack: --state names its `devstack/state.json`; by default the newest
// `$TMPDIR/archipelago-load-*/devstack/state.json` (the stack `npm run load` starts), waited for.
// Every --every seconds (default 5), for every child process of the devstack:
//   - /proc/<pid>/status: VmRSS, VmHWM (peak RSS), RssAnon (heap, malloc, stacks), RssFile (mapped
//     files: the node binary's code, shared by all processes);
//   - /proc/<pid>/smaps_rollup: Pss (RSS with shared pages divided among their users);
//   - the service's GET /metrics (prom-client defaults, port from HTTP_PORT in /proc/<pid>/environ):
//     nodejs_heap_size_total_bytes / _used_bytes, nodejs_external_memory_bytes, the heap spaces,
//     process_cpu_seconds_total and the sum of nodejs_gc_duration_seconds (GC share of CPU).
// Writes every sample to --out (default reports/perf/rss-<time>.json) and prints, per process, the
// sample with the highest RSS and its breakdown: V8 heap (committed), outside the heap = RSS − heap.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { printRssSummary } from './rss-summary.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const everyMs = Number(opt('every', 5)) * 1000;
const out = resolve(opt('out', `reports/perf/rss-${new Date().toISOString().replace(/[:.]/g, '-')}.json`));
const startedAt = Date.now();

function newestState() {
  const dirs = readdirSync(tmpdir())
    .filter((d) => d.startsWith('archipelago-load-'))
    .map((d) => join(tmpdir(), d, 'devstack', 'state.json'))
    .filter((f) => existsSync(f) && statSync(f).mtimeMs >= startedAt);
  return dirs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

const kb = (text, field) => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
};
const alive = (pid) => existsSync(`/proc/${pid}`);
const envOf = (pid) => {
  try {
    return Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
  } catch {
    return {};
  }
};

async function metrics(port) {
  if (!port) return {};
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    const value = (name, label = '') => {
      const m = new RegExp(
        `^${name}${label ? `\\{[^}]*${label}[^}]*\\}` : '(?:\\{[^}]*\\})?'} ([0-9.e+-]+)$`,
        'm',
      ).exec(text);
      return m ? Number(m[1]) : undefined;
    };
    const spaces = {};
    for (const m of text.matchAll(/^nodejs_heap_space_size_used_bytes\{space="([a-z_]+)"[^}]*\} ([0-9.e+-]+)$/gm))
      spaces[m[1]] = Number(m[2]);
    let gcSeconds = 0;
    for (const m of text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} ([0-9.e+-]+)$/gm))
      gcSeconds += Number(m[1]);
    return {
      cpuSeconds: value('process_cpu_seconds_total'),
      gcSeconds,
      heapTotal: value('nodejs_heap_size_total_bytes'),
      heapUsed: value('nodejs_heap_size_used_bytes'),
      external: value('nodejs_external_memory_bytes'),
      spacesUsed: spaces,
    };
  } catch {
    return {};
  }
}

async function sample(children) {
  const at = Date.now();
  return Promise.all(
    children.map(async (c) => {
      let status = '';
      let rollup = '';
      try {
        status = readFileSync(`/proc/${c.pid}/status`, 'utf8');
        rollup = readFileSync(`/proc/${c.pid}/smaps_rollup`, 'utf8');
      } catch {
        return { label: c.label, pid: c.pid, at, gone: true };
      }
      return {
        label: c.label,
        pid: c.pid,
        at,
        rss: kb(status, 'VmRSS'),
        hwm: kb(status, 'VmHWM'),
        rssAnon: kb(status, 'RssAnon'),
        rssFile: kb(status, 'RssFile'),
        pss: kb(rollup, 'Pss'),
        threads: Number(/^Threads:\s+(\d+)/m.exec(status)?.[1]),
        ...(await metrics(c.port)),
      };
    }),
  );
}

let stateFile = opt('state', undefined);
while (!stateFile || !existsSync(stateFile)) {
  stateFile = stateFile ?? newestState();
  if (!stateFile) await new Promise((r) => setTimeout(r, 1000));
}
console.error(`rss-sampler: ${stateFile}, every ${everyMs / 1000} s`);
const samples = [];
let stop = false;
process.once('SIGINT', () => (stop = true));
process.once('SIGTERM', () => (stop = true));
for (;;) {
  let state;
  try {
    state = JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch {
    break;
  }
  if (stop || !alive(state.pid)) break;
  const children = state.children
    .filter((c) => alive(c.pid))
    .map((c) => {
      const env = envOf(c.pid);
      return { ...c, port: env.HTTP_PORT };
    });
  samples.push(...(await sample(children)));
  await new Promise((r) => setTimeout(r, everyMs));
}

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ stateFile, everyMs, samples }, null, 1)}\n`);
printRssSummary(samples, `MB, at each process's highest-RSS sample (${samples.length} samples; ${out})`);
