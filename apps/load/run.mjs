#!/usr/bin/env node
// `npm run load -- <scenario> [--kafka] [k6 run options…]`  (scenarios: smoke load stress spike soak scheduling registry notifications)
//
//   1. k6 v2 from tools/delivery/install-tools.sh (go install, cached in .tools/k6-<version>/);
//   2. BASE_URL (default http://localhost:8000): used as it is when its /health answers 200;
//      otherwise, for a local URL, starts a stack of its own (apps/devstack, fresh data folder in a
//      temp dir, free Postgres and edge ports; `--kafka` starts the local broker too) and stops it
//      at the end, making sure none of its processes is left; a remote BASE_URL is used as given;
//   3. runs apps/load/src/scenarios/<scenario>.js; its handleSummary() writes
//      reports/load/<scenario>-<timestamp>.json (k6's summary data) and .txt (the report);
//   4. exits with k6's code: 99 when a threshold (SLO) was crossed, 0 when all held.
//   --cpu       (own stack only) CPU-ms per order per process over the hold phase (cpu-per-order.mjs):
//               printed and written to reports/load/<scenario>-<timestamp>.cpu.json;
//   --cpu-prof  (own stack only) every Node process of the stack runs under `--cpu-prof`; the
//               profiles land in reports/load/<scenario>-<timestamp>.prof/ (open in Chrome DevTools).
// Options after the scenario go to `k6 run` (e.g. `-e RATE=300`, `--http-debug`). See apps/load/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  healthy,
  isLocal,
  readJson,
  startStack as startOwnStack,
  stopStack as stopOwnStack,
} from '../devstack/own-stack.mjs';
import { formatCpuTable, measureCpuPerOrder } from './cpu-per-order.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCENARIOS = ['smoke', 'load', 'stress', 'spike', 'soak', 'scheduling', 'registry', 'notifications'];
const say = (text) => process.stdout.write(`[load] ${text}\n`);
const seconds = (t0) => ((Date.now() - t0) / 1000).toFixed(1);

const args = process.argv.slice(2);
const scenario = args.shift();
if (!scenario || scenario === '--help' || scenario === '-h' || !SCENARIOS.includes(scenario)) {
  process.stderr.write(`usage: npm run load -- <${SCENARIOS.join('|')}> [--kafka] [k6 run options]\n`);
  process.exit(scenario && !['--help', '-h'].includes(scenario) ? 2 : 0);
}
const OWN_FLAGS = ['--kafka', '--cpu', '--cpu-prof'];
const kafka = args.includes('--kafka');
const cpu = args.includes('--cpu');
const cpuProf = args.includes('--cpu-prof');
const k6Args = args.filter((a) => !OWN_FLAGS.includes(a));
const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
const reportDir = join(root, 'reports', 'load');
const base = join(reportDir, `${scenario}-${stamp}`);

/** The value of `-e NAME=value` / `--env NAME=value` among the k6 options, else the environment's. */
function k6Env(name) {
  for (let i = 0; i < k6Args.length - 1; i++) {
    if ((k6Args[i] === '-e' || k6Args[i] === '--env') && k6Args[i + 1].startsWith(`${name}=`)) {
      return k6Args[i + 1].slice(name.length + 1);
    }
  }
  return process.env[name];
}

/** k6 durations like `90s`, `5m`, `1m30s` in seconds. */
function durationSeconds(text) {
  let total = 0;
  for (const [, n, unit] of String(text).matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g))
    total += Number(n) * { h: 3600, m: 60, s: 1 }[unit];
  return total;
}

// ---------------------------------------------------------------- k6
function installK6() {
  if (process.env.K6_BIN) return process.env.K6_BIN;
  const t0 = Date.now();
  const result = spawnSync(join(root, 'tools', 'delivery', 'install-tools.sh'), ['k6'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const bin = result.stdout?.trim().split('\n').pop();
  if (result.status !== 0 || !bin || !existsSync(bin)) {
    process.stderr.write(`[load] could not install k6 (tools/delivery/install-tools.sh k6 exited ${result.status})\n`);
    process.exit(1);
  }
  say(`k6: ${relative(root, bin)} (${seconds(t0)} s)`);
  return bin;
}

// ---------------------------------------------------------------- stack
// Starting and stopping a stack of our own: apps/devstack/own-stack.mjs (shared with `npm run fuzz`).
const startStack = () =>
  startOwnStack({
    name: 'load',
    say,
    kafka,
    env: cpuProf ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${base}.prof`.trim() } : {},
    timeoutS: Number(process.env.LOAD_STACK_TIMEOUT_S || 420),
  });
const stopStack = (stack, keepLogsIn) => stopOwnStack(stack, { say, keepLogsIn });

function clientCredentials(keysDir) {
  const file = join(keysDir, 'clients.json');
  const client = (readJson(file) ?? []).find((c) => c.id === 'load-tests' && c.secret);
  return client ? { CLIENT_ID: client.id, CLIENT_SECRET: client.secret } : {};
}

/** A pino line's level as a number (pino writes 40/50/60, or "warn"/"error"/"fatal" with a formatter). */
function logLevel(line) {
  const m = /"level":\s*(?:(\d+)|"(\w+)")/.exec(line);
  if (!m) return 0;
  return m[1] ? Number(m[1]) : ({ trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 }[m[2]] ?? 0);
}

/** A pino JSON line in one short phrase: level, message, request → status, error. */
function logSummary(line) {
  try {
    const e = JSON.parse(line);
    const req = e.req ? ` ${e.req.method} ${e.req.url}${e.res?.statusCode ? ` → ${e.res.statusCode}` : ''}` : '';
    const err = e.err ? ` ${e.err.type ?? ''}: ${e.err.message ?? ''}` : '';
    return `${e.time ?? ''} ${e.level}: ${e.msg ?? ''}${req}${err}`;
  } catch {
    return line;
  }
}

/**
 * After a failed run: the first few unexpected answers k6 saw and the first warnings/errors each
 * service logged, in a few short lines, so that CI's last lines of output say why.
 */
function printFailureDigest(k6Lines, logsDir) {
  const clip = (text, n = 300) => (text.length > n ? `${text.slice(0, n)}…` : text);
  const lines = [];
  const seen = new Set();
  for (const line of k6Lines) {
    const msg = /msg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? line;
    const key = msg.replace(/[0-9a-f-]{36}|\d+ ms/g, '');
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(`  k6: ${clip(msg)}`);
    if (lines.length >= 4) break;
  }
  if (logsDir) {
    for (const file of readdirSync(logsDir).filter(
      (f) => f.endsWith('.log') && f !== 'postgres.log' && f !== 'kafka.log',
    )) {
      const bad = readFileSync(join(logsDir, file), 'utf8')
        .split('\n')
        .filter((line) => logLevel(line) >= 40);
      if (bad.length === 0) continue;
      lines.push(`  ${file}: ${bad.length} warning/error line(s), first: ${clip(logSummary(bad[0]))}`);
    }
  }
  if (lines.length === 0) return;
  say('why it failed (first unexpected answers; warnings and errors in the stack logs):');
  for (const line of lines) process.stdout.write(`${line}\n`);
}

// ---------------------------------------------------------------- main
const started = Date.now();
const k6 = installK6();
let baseUrl = (process.env.BASE_URL || 'http://localhost:8000').replace(/\/+$/, '');
let stack;
let keysDir = process.env.IDENTITY_KEYS_DIR || join(root, '.data', 'identity', 'keys');
let interrupted = false;

if (await healthy(baseUrl)) {
  say(`using the running stack at ${baseUrl} (/health 200)`);
} else if (!isLocal(baseUrl)) {
  say(`${baseUrl}/health does not answer 200; not local, so running against it as it is`);
} else {
  try {
    stack = await startStack();
  } catch (error) {
    process.stderr.write(`[load] ${error.message}\n`);
    if (error.devstack)
      await stopStack(error.devstack, join(root, 'reports', 'load', `stack-failed-${Date.now()}.logs`));
    process.exit(1);
  }
  baseUrl = stack.baseUrl;
  keysDir = stack.keysDir;
}

mkdirSync(reportDir, { recursive: true });
const env = {
  ...process.env,
  ...(process.env.CLIENT_ID ? {} : clientCredentials(keysDir)),
  BASE_URL: baseUrl,
  REPORT_JSON: `${base}.json`,
  REPORT_TXT: `${base}.txt`,
  K6_NO_USAGE_REPORT: 'true',
};

say(`k6 run ${scenario} against ${baseUrl}`);
const t0 = Date.now();
// Not a terminal (CI): no progress bar, which k6 would otherwise print as a new line every second.
const quiet = !process.stdout.isTTY && !k6Args.some((a) => a === '-q' || a === '--quiet') ? ['--quiet'] : [];
const k6Address = cpu && stack ? `127.0.0.1:${await freePort()}` : undefined;
const run = spawn(
  k6,
  [
    'run',
    ...quiet,
    ...(k6Address ? ['--address', k6Address] : []),
    ...k6Args,
    join(root, 'apps', 'load', 'src', 'scenarios', `${scenario}.js`),
  ],
  {
    cwd: root,
    env,
    stdio: ['inherit', 'inherit', 'pipe'],
  },
);
// k6's log lines (stderr) pass through; the flow's explanations of unexpected answers are also kept
// for the digest printed at the end of a failed run.
const k6Warnings = [];
let k6Partial = '';
run.stderr.on('data', (chunk) => {
  process.stderr.write(chunk);
  const lines = (k6Partial + chunk.toString('utf8')).split('\n');
  k6Partial = lines.pop() ?? '';
  for (const line of lines) if (/level=(warning|error)/.test(line) && k6Warnings.length < 200) k6Warnings.push(line);
});
// A terminal Ctrl-C reaches k6 by itself (same process group); SIGTERM/SIGHUP are passed on as
// one SIGINT, so k6 stops gracefully and still writes its summary.
process.on('SIGINT', () => (interrupted = true));
for (const signal of ['SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    interrupted = true;
    if (run.exitCode === null) run.kill('SIGINT');
  });
}
const k6Done = new AbortController();
run.on('exit', () => k6Done.abort());
let cpuMeasure;
if (cpu && !stack) say('--cpu needs a stack of our own (it reads its processes); not measured');
else if (cpu) {
  // load/soak: 1 min ramp then HOLD/DURATION; other scenarios: CPU_FROM_S / CPU_FOR_S.
  const holdS = durationSeconds(
    k6Env(scenario === 'soak' ? 'DURATION' : 'HOLD') || (scenario === 'soak' ? '60m' : '5m'),
  );
  const fromS = Number(process.env.CPU_FROM_S || (scenario === 'soak' ? 120 : 60));
  const forS = Number(process.env.CPU_FOR_S || holdS);
  say(`--cpu: measuring CPU per order from ${fromS} s to ${fromS + forS} s after the first iteration`);
  cpuMeasure = measureCpuPerOrder({
    address: k6Address,
    dataDir: stack.dataDir,
    extra: () => ({ k6: run.pid, 'load launcher (run.mjs)': process.pid, 'devstack launcher': stack.child.pid }),
    fromS,
    forS,
    signal: k6Done.signal,
  });
}
const code = await new Promise((resolve) => {
  run.on('error', (error) => {
    process.stderr.write(`[load] could not run k6: ${error.message}\n`);
    resolve(1);
  });
  run.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});
say(`k6 finished in ${seconds(t0)} s with exit code ${code}${code === 99 ? ' (an SLO threshold was crossed)' : ''}`);

if (cpuMeasure) {
  const result = await cpuMeasure;
  process.stdout.write(formatCpuTable(result));
  writeFileSync(`${base}.cpu.json`, `${JSON.stringify({ scenario, args: k6Args, kafka, ...result }, null, 2)}\n`);
}

let clean = true;
if (stack) clean = await stopStack(stack, code !== 0 ? `${base}.logs` : undefined);
if (code !== 0) printFailureDigest(k6Warnings, stack && existsSync(`${base}.logs`) ? `${base}.logs` : undefined);
for (const file of [`${base}.txt`, `${base}.json`, `${base}.cpu.json`])
  if (existsSync(file)) say(`report: ${relative(root, file)}`);
say(`total ${seconds(started)} s`);
process.exit(code !== 0 ? code : interrupted ? 130 : clean ? 0 : 1);
