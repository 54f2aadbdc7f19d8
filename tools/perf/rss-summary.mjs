// `node tools/perf/rss-summary.mjs <rss-*.json> [...]`: per process, RSS and its parts over a
// sampler run (tools/perf/rss-sampler.mjs): peak RSS with its breakdown, and the median of the
// samples taken while the process was busy (its CPU time grew since the previous sample).
import { readFileSync } from 'node:fs';

const mb = (b) => (b === undefined || Number.isNaN(b) ? '-' : (b / 2 ** 20).toFixed(0));
const median = (xs) => {
  const s = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : undefined;
};
for (const file of process.argv.slice(2)) {
  const { samples } = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`\n${file}`);
  console.log(
    'process   peak RSS  HWM  anon  file  PSS  heap total  heap used  external  | busy: RSS  heap total  (n)  GC % of CPU',
  );
  for (const label of [...new Set(samples.map((s) => s.label))]) {
    const mine = samples.filter((s) => s.label === label && !s.gone);
    if (mine.length === 0) continue;
    const top = mine.reduce((a, b) => (b.rss > a.rss ? b : a));
    const busy = mine.filter(
      (s, i) => i > 0 && s.cpuSeconds !== undefined && s.cpuSeconds - mine[i - 1].cpuSeconds > 0.1,
    );
    const cpu = mine.filter((s) => s.cpuSeconds !== undefined);
    const gc =
      cpu.length > 1
        ? ((100 * (cpu.at(-1).gcSeconds - cpu[0].gcSeconds)) / (cpu.at(-1).cpuSeconds - cpu[0].cpuSeconds)).toFixed(1)
        : '-';
    console.log(
      [
        label.padEnd(8),
        mb(top.rss).padStart(9),
        mb(Math.max(...mine.map((s) => s.hwm ?? 0))).padStart(4),
        mb(top.rssAnon).padStart(5),
        mb(top.rssFile).padStart(5),
        mb(top.pss).padStart(4),
        mb(top.heapTotal).padStart(11),
        mb(top.heapUsed).padStart(10),
        mb(top.external).padStart(9),
        ' |',
        mb(median(busy.map((s) => s.rss))).padStart(9),
        mb(median(busy.map((s) => s.heapTotal))).padStart(11),
        `(${busy.length})`.padStart(5),
        gc.padStart(12),
      ].join(' '),
    );
  }
}
