import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root (folder holding nx.json). */
export const WORKSPACE_ROOT = (() => {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('workspace root not found');
  }
})();

/** The OpenTelemetry bootstrap (libs/platform/telemetry) every service process loads first with `--import`. */
export const TELEMETRY_HOOK = 'dist/libs/platform/telemetry/src/register.js';

/** A compiled program of the workspace running as its own OS process. */
export interface RunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout + stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string | null>;
  /** SIGKILL now (fault tests). */
  kill(): Promise<void>;
}

/**
 * Runs `dist/<entry>.js` (built by `npm test` before the suite) with the alias hook, as a real
 * process, and waits until `readyUrl` answers 2xx (or the process exits, which throws with its output).
 */
export async function startWorkspaceProcess(options: {
  name: string;
  /** Source path of the entry, e.g. `systems/commerce/catalog/src/main.ts`. */
  entry: string;
  args?: string[];
  /** Added to (or, with `undefined`, removed from) this process's environment, e.g. `NODE_ENV: undefined`. */
  env?: Record<string, string | undefined>;
  readyUrl?: string;
  timeoutMs?: number;
}): Promise<RunningProcess> {
  const script = join(WORKSPACE_ROOT, 'dist', options.entry.replace(/\.ts$/, '.js'));
  if (!existsSync(script)) throw new Error(`${script} is missing: build first (npm test does)`);
  // The OpenTelemetry bootstrap first, as in production (it is off unless OTEL_* env says where to export).
  const hooks = ['--import', join(WORKSPACE_ROOT, TELEMETRY_HOOK), '--import', join(WORKSPACE_ROOT, 'tools/register.mjs')];
  const child = spawn(process.execPath, [...hooks, script, ...(options.args ?? [])], {
    cwd: WORKSPACE_ROOT,
    env: Object.fromEntries(
      // EDGE_STATUS_PORT: an edge started by a test takes any free status port (its default, 8007,
      // would collide between tests running side by side); a test may still set one.
      Object.entries({ ...process.env, EDGE_STATUS_PORT: '0', ...options.env }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out = (out + d).slice(-200_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-200_000)));
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  let done = false;
  void exited.then(() => (done = true));
  const handle: RunningProcess = {
    name: options.name,
    child,
    output: () => out,
    async stop(graceMs = 10_000) {
      if (done) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    async kill() {
      if (!done) child.kill('SIGKILL');
      await exited;
    },
  };
  if (!options.readyUrl) {
    const result = await exited;
    if (result !== 0) throw new Error(`${options.name} exited with ${String(result)}:\n${out}`);
    return handle;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (done) throw new Error(`${options.name} exited before it was ready:\n${out.slice(-4000)}`);
    const ok = await fetch(options.readyUrl, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return handle;
    if (Date.now() > deadline) {
      await handle.stop(1000);
      throw new Error(`${options.name} not ready at ${options.readyUrl} in time:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
