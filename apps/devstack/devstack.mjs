#!/usr/bin/env node
// `npm start` launcher. Plain JavaScript so it runs before anything is compiled:
//   1. `buf generate` when a system's contracts/src/generated folder is missing;
//   2. `tsc -p tsconfig.build.json` (incremental: about a second when nothing changed);
//   3. runs the compiled devstack (dist/apps/devstack/src/main.js) in its own process group, so a
//      Ctrl-C in the terminal reaches only this launcher and the devstack stops the platform in
//      order (edge, services, broker, Postgres) instead of every process dying at once.
// Arguments are passed on (`npm start -- --kafka`). See apps/devstack/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const main = join(root, 'dist', 'apps', 'devstack', 'src', 'main.js');
const say = (text) => process.stdout.write(`${text}\n`);

function run(command, args) {
  const t0 = Date.now();
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  return { ...result, seconds: ((Date.now() - t0) / 1000).toFixed(1) };
}

// 1. Protobuf types (git-ignored output of buf.gen.yaml).
const systems = join(root, 'systems');
const missingGenerated = (existsSync(systems) ? readdirSync(systems) : [])
  .map((system) => join(systems, system, 'contracts'))
  .filter((contracts) => existsSync(join(contracts, 'proto')) && !existsSync(join(contracts, 'src', 'generated')));
if (missingGenerated.length) {
  say(`• proto: generating ${missingGenerated.map((d) => relative(root, d)).join(', ')} (buf generate)`);
  const buf = run(bin('buf'), ['generate']);
  if (buf.status !== 0) {
    process.stderr.write(`buf generate failed:\n${buf.stdout}${buf.stderr}${buf.error ?? ''}\n`);
    process.exit(1);
  }
}

// 2. Compile. tsc still emits when some file has type errors: report them, carry on, and let the
//    devstack say which entry points are missing. tsc's incremental state does not notice deleted
//    outputs, so when an expected output is gone the build state is dropped and everything re-emitted.
//    Only path aliases the build compiles count (tsconfig.build.json's `include` roots): an alias to a
//    file it never emits (the Nx plugin under tools/) would otherwise force a full rebuild every start.
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const { include: buildRoots = [] } = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8'));
const built = (source) => buildRoots.some((glob) => source.startsWith(`${glob.split('/')[0]}/`));
const expected = [
  main,
  ...Object.values(compilerOptions.paths ?? {})
    .map(([target]) => target.replace(/^\.\//, ''))
    .filter((source) => built(source) && existsSync(join(root, source)))
    .map((source) => join(root, 'dist', source.replace(/\.ts$/, '.js'))),
];
const buildInfo = join(root, 'dist', '.tsbuildinfo');
const anyMissing = () => expected.filter((file) => !existsSync(file));
if (anyMissing().length) rmSync(buildInfo, { force: true });
const build = run(bin('tsc'), ['-p', 'tsconfig.build.json']);
const errors = `${build.stdout}${build.stderr}`.split('\n').filter((line) => line.trim());
if (build.status === 0) say(`• build: ok (${build.seconds} s)`);
else {
  say(
    `• build: ${errors.filter((l) => l.includes('error TS')).length} type errors (${build.seconds} s); running what was emitted:`,
  );
  for (const line of errors.slice(0, 15)) say(`    ${line}`);
  if (errors.length > 15) say(`    … ${errors.length - 15} more (npm run build)`);
}
if (!existsSync(main)) {
  process.stderr.write(`The devstack did not compile (${relative(root, main)} is missing).\n`);
  process.exit(1);
}

// 3. Run it. `detached` = own process group; the IPC channel lets it notice if this launcher dies.
const child = spawn(
  process.execPath,
  ['--import', join(root, 'tools', 'register.mjs'), main, ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
  },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // SIGHUP (terminal closed) is passed on as SIGTERM: the devstack stops the same way.
    if (child.exitCode === null) child.kill(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
