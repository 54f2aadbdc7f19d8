// `node tools/perf/plot.mjs [reportsDir] [outDir]`: renders docs/performance/*.png from the JSON
// reports of `npm run bench` (reports/bench/*.json). Uses matplotlib in a Python venv under
// .cache/perf-venv, created and filled from PyPI (tools/perf/requirements.txt) on first use.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const venv = join(root, '.cache/perf-venv');
const python = join(venv, 'bin/python');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (!existsSync(python)) run('python3', ['-m', 'venv', venv]);
const check = spawnSync(python, ['-c', 'import matplotlib'], { stdio: 'ignore' });
if (check.status !== 0) run(python, ['-m', 'pip', 'install', '-q', '-r', join(root, 'tools/perf/requirements.txt')]);
run(python, [
  join(root, 'tools/perf/plot.py'),
  resolve(root, process.argv[2] ?? 'reports/bench'),
  resolve(root, process.argv[3] ?? 'docs/performance'),
]);
