// `npm run bench`: compiles the benchmark (and only what it imports) and runs it on the compiled
// output with the alias hook (tools/register.mjs). The output goes to .cache/bench-dist by default,
// not dist/, so a concurrent `npm run build` or watcher never races with it; BENCH_OUT_DIR
// overrides. Settings of the benchmark itself (BENCH_SECONDS, BENCH_ROUNDS, …) are documented in
// libs/platform/event-store/bench/event-store.bench.ts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.env.BENCH_OUT_DIR ?? '.cache/bench-dist');
const entry = 'libs/platform/event-store/bench/event-store.bench.ts';
// Loaded through a non-literal import by the benchmark (see there), so tsc must be told about it.
const dynamicImports = ['libs/platform/messaging/src/index.ts'];

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
      files: [entry, ...dynamicImports].map((f) => join(root, f)),
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
const compiled = join(outDir, entry.replace(/\.ts$/, '.js'));
if (tsc.status !== 0) {
  if (tsc.error || !existsSync(compiled)) {
    console.error(`bench: compilation failed${tsc.error ? `: ${tsc.error.message}` : ''}`);
    process.exit(1);
  }
  console.error('bench: tsc reported errors (see above); running what it emitted anyway');
}
console.log(`bench: compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const child = spawn(
  process.execPath,
  ['--enable-source-maps', '--import', pathToFileURL(join(root, 'tools/register.mjs')).href, compiled],
  { cwd: root, stdio: 'inherit', env: { ...process.env, ARCHIPELAGO_DIST_DIR: outDir } },
);

// Ctrl-C reaches the whole process group, the benchmark included: it stops its Postgres and exits.
// This process just waits for that; signals sent to it alone are passed on.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  console.log(`bench: total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(code ?? (signal ? 128 + 2 : 1));
});
