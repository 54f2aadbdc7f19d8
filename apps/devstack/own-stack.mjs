// A devstack of a tool's own (`npm run load`, `npm run fuzz`): fresh data folder in a temp dir, free
// Postgres and edge ports; started and stopped in order, making sure none of its processes is left.
// Plain JavaScript so that scripts can use it before anything else is compiled.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const seconds = (t0) => ((Date.now() - t0) / 1000).toFixed(1);

/** Whether `GET <baseUrl>/health` answers 200 within `timeoutMs`. */
export async function healthy(baseUrl, timeoutMs = 3000) {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Whether a URL points at this machine. */
export const isLocal = (url) => ['localhost', '127.0.0.1', '[::1]', '::1'].includes(new URL(url).hostname);

/** A JSON file's content, or undefined when it is missing or malformed. */
export const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};

/**
 * The services a devstack runs, from its `devstack/state.json`: `[{ label, pid, main, httpPort }]`
 * (`label` is `<system>/<service>`, or `edge`).
 * @param dataDir the devstack's data folder (DEVSTACK_DATA_DIR; `npm start` uses `<root>/.data`).
 */
export function stackMembers(dataDir) {
  return readJson(join(dataDir, 'devstack', 'state.json'))?.children ?? [];
}

/**
 * Starts a devstack of our own and resolves once the edge answers `/health` with 200.
 * @param options.name    prefix of the temp data folder and of log lines (`load`, `fuzz`)
 * @param options.say     writes one progress line
 * @param options.kafka   also start the local Kafka broker (`--kafka`)
 * @param options.env     extra environment of the devstack (e.g. NODE_OPTIONS)
 * @param options.timeoutS how long to wait for readiness (default 420 s)
 * @returns `{ child, dataDir, keysDir, baseUrl, output, exited }`; stop it with {@link stopStack}.
 * @throws Error with a `devstack` property (to stop and keep the logs of) when it exits or is not
 *   ready in time.
 */
export async function startStack({ name, say, kafka = false, env = {}, timeoutS = 420 }) {
  const t0 = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), `archipelago-${name}-`));
  chmodSync(dataDir, 0o755); // Postgres runs as the `postgres` user when we are root: it must traverse.
  const keysDir = join(dataDir, 'identity', 'keys');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  say(`starting a stack of our own on ${baseUrl} (data in ${dataDir}${kafka ? ', local Kafka' : ''})`);
  const child = spawn(process.execPath, [join(root, 'apps', 'devstack', 'devstack.mjs'), ...(kafka ? ['--kafka'] : [])], {
    cwd: root,
    // Own process group: a Ctrl-C in the terminal reaches the tool (which then stops the stack in
    // order), not every process of the stack at once.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DEVSTACK_DATA_DIR: dataDir,
      PGPORT_LOCAL: '0',
      EDGE_PORT: String(port),
      IDENTITY_KEYS_DIR: keysDir,
      ...env,
    },
  });
  const stack = { child, dataDir, keysDir, baseUrl, output: '', exited: false };
  child.on('exit', (code, signal) => Object.assign(stack, { exited: true, code, signal }));
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      stack.output += chunk;
      for (const line of chunk.split('\n')) if (line.trim()) process.stdout.write(`[devstack] ${line}\n`);
    });
  }
  const deadline = Date.now() + timeoutS * 1000;
  while (!stack.output.includes('Press Ctrl-C to stop') || !(await healthy(baseUrl))) {
    if (stack.exited)
      throw Object.assign(new Error(`the devstack exited (code ${stack.code}) before it was ready`), {
        devstack: stack,
      });
    if (Date.now() > deadline) throw Object.assign(new Error('the devstack was not ready in time'), { devstack: stack });
    await new Promise((r) => setTimeout(r, 500));
  }
  say(`stack ready in ${seconds(t0)} s`);
  return stack;
}

/**
 * SIGTERM to the launcher (it stops edge, services, broker, Postgres in order), then SIGKILL to
 * whatever of it is still alive; copies the logs to `keepLogsIn` when given, removes the data folder.
 * @returns true when nothing had to be killed.
 */
export async function stopStack(stack, { say, keepLogsIn } = {}) {
  const t0 = Date.now();
  const state = readJson(join(stack.dataDir, 'devstack', 'state.json')) ?? {};
  const postgresPid = () =>
    Number(readFileSync(join(state.postgresDataDir ?? '', 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
  let pgPid;
  try {
    pgPid = postgresPid();
  } catch {
    /* not started */
  }
  if (!stack.exited) stack.child.kill('SIGTERM');
  const deadline = Date.now() + 60_000;
  while (!stack.exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  // Whatever is still alive (the launcher, the devstack, a service, Postgres) is ours: kill it.
  const pids = [stack.child.pid, state.pid, ...(state.children ?? []).map((c) => c.pid), pgPid].filter(Boolean);
  await new Promise((r) => setTimeout(r, 500));
  const left = pids.filter(alive);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
  if (keepLogsIn && existsSync(join(stack.dataDir, 'logs'))) {
    cpSync(join(stack.dataDir, 'logs'), keepLogsIn, { recursive: true });
    say?.(`stack logs kept in ${relative(root, keepLogsIn)}`);
  }
  rmSync(stack.dataDir, { recursive: true, force: true });
  if (state.postgresDataDir && !state.postgresDataDir.startsWith(stack.dataDir)) {
    rmSync(state.postgresDataDir, { recursive: true, force: true });
  }
  say?.(
    `stack stopped in ${seconds(t0)} s (launcher exit ${stack.code ?? stack.signal ?? 'killed'})` +
      (left.length ? `; had to SIGKILL ${left.length} process(es): ${left.join(', ')}` : '; nothing left running'),
  );
  return left.length === 0;
}
