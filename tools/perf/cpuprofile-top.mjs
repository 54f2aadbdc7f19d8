// `node tools/perf/cpuprofile-top.mjs <file.cpuprofile> [--top N] [--filter text]`: what a V8 CPU
// profile (node --cpu-prof) spent its busy time on. Prints, as shares of the non-idle samples:
// self time per function (name + file:line) and inclusive time per function (a function counted once
// per sample even when recursive), and self time per package (node_modules/<name>, node: internals,
// the workspace's own files). --filter keeps only the inclusive rows whose name or file contains
// the text.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
if (!file) {
  console.error('usage: node tools/perf/cpuprofile-top.mjs <file.cpuprofile> [--top N] [--filter text]');
  process.exit(2);
}
const top = Number(opt('top', 30));
const filter = opt('filter', undefined);
const profile = JSON.parse(readFileSync(file, 'utf8'));

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const IDLE = new Set(['(idle)', '(program)']);
const label = (n) => {
  const f = n.callFrame;
  const url = f.url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, 'nm:')
    .replace(/.*\/(apps|libs|systems)\//, '$1/');
  return `${f.functionName || '(anonymous)'} ${url ? `${url}:${f.lineNumber + 1}` : ''}`.trim();
};
const pkg = (n) => {
  const url = n.callFrame.url;
  if (!url) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  return m ? m[1] : 'workspace';
};

const self = new Map();
const incl = new Map();
const byPkg = new Map();
let busy = 0;
let total = 0;
for (const id of profile.samples) {
  total++;
  const n = nodes.get(id);
  if (IDLE.has(n.callFrame.functionName)) continue;
  busy++;
  const l = label(n);
  self.set(l, (self.get(l) ?? 0) + 1);
  byPkg.set(pkg(n), (byPkg.get(pkg(n)) ?? 0) + 1);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const cl = label(nodes.get(cur));
    if (seen.has(cl)) continue;
    seen.add(cl);
    incl.set(cl, (incl.get(cl) ?? 0) + 1);
  }
}
const seconds = (profile.endTime - profile.startTime) / 1e6;
const pct = (v) => `${((100 * v) / busy).toFixed(1).padStart(5)} %`;
const print = (title, map, n, keep = () => true) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...map]
    .filter(([k]) => keep(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n))
    console.log(`${pct(v)}  ${k}`);
};
console.log(
  `${file}: ${seconds.toFixed(1)} s profiled, ${total} samples, busy ${((100 * busy) / total).toFixed(1)} % (shares below: of busy samples)`,
);
print('self time, by package', byPkg, 20);
print('self time, by function', self, top);
print('inclusive time, by function', incl, top, filter ? (k) => k.includes(filter) : () => true);
