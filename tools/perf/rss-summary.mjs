// `node tools/perf/rss-summary.mjs <rss-*.json> [...]`: per process, RSS and its parts over a
// sampler run (tools/perf/rss-sampler.mjs, which prints the same table when it stops): peak RSS
// with its breakdown, CPU seconds and GC share over the run, and the median of the samples taken
// while the process was busy (its CPU time grew since the previous sample).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const mb = (b) => (b === undefined || Number.isNaN(b) ? '-' : (b / 2 ** 20).toFixed(0));
const median = (xs) => {
  const s = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : undefined;
};

/** CPU seconds over the samples and the share of them spent in GC (%), as table cells. */
function cpuAndGc(mine) {
  const withCpu = mine.filter((s) => s.cpuSeconds !== undefined);
  if (withCpu.length < 2) return ['-', '-'];
  const [first, last] = [withCpu[0], withCpu.at(-1)];
  const cpu = last.cpuSeconds - first.cpuSeconds;
  return [cpu.toFixed(1), cpu > 0 ? ((100 * (last.gcSeconds - first.gcSeconds)) / cpu).toFixed(1) : '-'];
}

/** Prints the per-process table of `samples` (the sampler's `samples` array) under `heading`. */
export function printRssSummary(samples, heading) {
  const rows = [
    [
      'process',
      'max RSS',
      'HWM',
      'anon',
      'file',
      'PSS',
      'heap total',
      'heap used',
      'external',
      'RSS − heap',
      'CPU s',
      'GC % of CPU',
      'busy: RSS',
      'heap total',
      '(n)',
    ],
  ];
  for (const label of [...new Set(samples.map((s) => s.label))]) {
    const mine = samples.filter((s) => s.label === label && !s.gone);
    if (mine.length === 0) continue;
    const top = mine.reduce((a, b) => (b.rss > a.rss ? b : a));
    const busy = mine.filter(
      (s, i) => i > 0 && s.cpuSeconds !== undefined && s.cpuSeconds - mine[i - 1].cpuSeconds > 0.1,
    );
    rows.push([
      label,
      mb(top.rss),
      mb(Math.max(...mine.map((s) => s.hwm ?? 0))),
      mb(top.rssAnon),
      mb(top.rssFile),
      mb(top.pss),
      mb(top.heapTotal),
      mb(top.heapUsed),
      mb(top.external),
      top.heapTotal === undefined ? '-' : mb(top.rss - top.heapTotal),
      ...cpuAndGc(mine),
      mb(median(busy.map((s) => s.rss))),
      mb(median(busy.map((s) => s.heapTotal))),
      `(${busy.length})`,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(heading);
  for (const r of rows)
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2)) {
    const { samples } = JSON.parse(readFileSync(file, 'utf8'));
    printRssSummary(samples, `\n${file}\nMB, at each process's highest-RSS sample (${samples.length} samples)`);
  }
}
