// CPU milliseconds per order, per process, over a window of a k6 run (`npm run load -- <scenario> --cpu`).
//
// What it reads (Linux /proc, no extra tools):
//   - utime + stime of every process of our own stack: the devstack's children (edge, identity,
//     catalog, ordering, payments, … from <data>/devstack/state.json), the Kafka broker JVM
//     (<kafka data>/kafka.pid; all JVM threads are in the one process), Postgres (the postmaster,
//     cutime + cstime of children that exited — closed connections' backends, autovacuum workers —
//     plus every live child: backends split by database from their `postgres: <user> <db> …`
//     title, the others by their title: walwriter, checkpointer, autovacuum, …),
//     the devstack launcher itself and k6;
//   - the machine's busy jiffies (/proc/stat), so CPU used by anything else on the machine shows up
//     as "other (not this stack)";
//   - orders that reached a terminal state (k6 counters `orders_confirmed` + `orders_cancelled`) from
//     k6's REST API (`k6 run --address`), and the load average.
// The window is the hold phase: from `fromS` to `fromS + forS` seconds after the first iteration
// started (the end of k6's setup()). Each process's CPU time in the window divided by the orders
// completed in the window is its CPU-ms per order. At R orders/s a machine with C cores has
// C × 1000 / R CPU-ms per order to spend (2 cores, 300/s: 6.7 ms).
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
const MS_PER_TICK = 1000 / CLK_TCK;

/** Fields of /proc/<pid>/stat after the `(comm)` field; index 0 is `state` (field 3). */
function statFields(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
const ppidOf = (f) => Number(f[1]);
const ownTicks = (f) => Number(f[11]) + Number(f[12]); // utime + stime
const childTicks = (f) => Number(f[13]) + Number(f[14]); // cutime + cstime (waited-for children)

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};
const firstLineNumber = (file) => {
  try {
    return Number(readFileSync(file, 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
};

/** Busy ticks of the whole machine (all CPUs): everything but idle and iowait. */
function machineBusyTicks() {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = cpu;
  return user + nice + system + irq + softirq + (steal ?? 0);
}

/** Postgres: the postmaster's own + exited children's ticks, live children by database. */
function postgresTicks(postmasterPid, into) {
  const pm = statFields(postmasterPid);
  if (!pm) return;
  into['postgres (postmaster)'] = (into['postgres (postmaster)'] ?? 0) + ownTicks(pm);
  // Children that exited (backends of closed connections, autovacuum workers): their ticks only
  // show up here, in the postmaster's cutime + cstime.
  into['postgres (exited processes)'] = (into['postgres (exited processes)'] ?? 0) + childTicks(pm);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(entry);
    if (!f || ppidOf(f) !== postmasterPid) continue;
    // Backend titles: "postgres: <user> <database> <host>(<port>) <state>"; others: "postgres: walwriter".
    const title = cmdline(entry).replace(/^postgres:\s*/, '').split(/\s+/);
    const label =
      title.length >= 3 && /\(\d+\)$|^\[local\]$/.test(title[2])
        ? `postgres backends (${title[1]})`
        : `postgres ${title[0] === 'autovacuum' ? 'autovacuum' : `(${title.join(' ')})`}`;
    into[label] = (into[label] ?? 0) + ownTicks(f);
  }
}

/**
 * One sample of CPU ticks per process group of the stack in `dataDir` (the devstack's
 * DEVSTACK_DATA_DIR) plus `extra` pids (`{ label: pid }`, e.g. k6, the launcher).
 */
export function sampleStack(dataDir, extra = {}) {
  const state = readJson(join(dataDir, 'devstack', 'state.json')) ?? {};
  const ticks = {};
  for (const child of state.children ?? []) {
    const f = statFields(child.pid);
    if (f) ticks[child.label] = (ticks[child.label] ?? 0) + ownTicks(f);
  }
  if (state.kafkaDataDir) {
    const pid = firstLineNumber(join(state.kafkaDataDir, 'kafka.pid'));
    const f = pid && statFields(pid);
    if (f) ticks['kafka (JVM)'] = ownTicks(f);
  }
  if (state.postgresDataDir) {
    const pid = firstLineNumber(join(state.postgresDataDir, 'postmaster.pid'));
    if (pid) postgresTicks(pid, ticks);
  }
  if (state.pid) {
    const f = statFields(state.pid);
    if (f) ticks['devstack'] = ownTicks(f);
  }
  for (const [label, pid] of Object.entries(extra)) {
    const f = pid && statFields(pid);
    if (f) ticks[label] = (ticks[label] ?? 0) + ownTicks(f);
  }
  return { at: Date.now(), ticks, machine: machineBusyTicks(), loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number) };
}

/** A k6 counter's count from its REST API (`k6 run --address host:port`); undefined when unknown. */
export async function k6Count(address, metric) {
  try {
    const res = await fetch(`http://${address}/v1/metrics/${metric}`, { signal: AbortSignal.timeout(2000) });
    if (res.status !== 200) return res.status === 404 ? 0 : undefined;
    return Number((await res.json())?.data?.attributes?.sample?.count ?? 0);
  } catch {
    return undefined;
  }
}

const terminalOrders = async (address) => {
  const [confirmed, cancelled] = await Promise.all([k6Count(address, 'orders_confirmed'), k6Count(address, 'orders_cancelled')]);
  return confirmed === undefined || cancelled === undefined ? undefined : confirmed + cancelled;
};

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Watches a running k6 (REST API at `address`) and the stack: waits for the first iteration,
 * samples at `fromS` and `fromS + forS` seconds after it, returns the per-order table (or
 * `{ error }` when the run ended before the window closed). `signal` aborts the wait (k6 exited).
 */
export async function measureCpuPerOrder({ address, dataDir, extra, fromS, forS, signal }) {
  let started;
  while (!signal?.aborted) {
    const iterations = await k6Count(address, 'iterations');
    const placed = await k6Count(address, 'orders_placed');
    if ((iterations ?? 0) > 0 || (placed ?? 0) > 0) break;
    await sleep(500, signal);
  }
  // Iterations of an arrival-rate scenario start right after setup(); the first one is our t0.
  started = Date.now();
  await sleep(fromS * 1000, signal);
  if (signal?.aborted) return { error: 'k6 ended before the window started' };
  const first = { ...sampleStack(dataDir, extra()), orders: await terminalOrders(address) };
  await sleep(forS * 1000, signal);
  if (signal?.aborted) return { error: 'k6 ended before the window closed' };
  const last = { ...sampleStack(dataDir, extra()), orders: await terminalOrders(address) };
  return summarise(first, last, { startedAt: started, fromS, forS });
}

function summarise(first, last, window) {
  const orders = (last.orders ?? 0) - (first.orders ?? 0);
  const seconds = (last.at - first.at) / 1000;
  const labels = [...new Set([...Object.keys(first.ticks), ...Object.keys(last.ticks)])];
  const rows = labels
    .map((label) => {
      const ms = ((last.ticks[label] ?? 0) - (first.ticks[label] ?? 0)) * MS_PER_TICK;
      return { process: label, cpuMs: ms, cpuMsPerOrder: orders > 0 ? ms / orders : undefined, cores: ms / 1000 / seconds };
    })
    .filter((r) => r.cpuMs > 0)
    .sort((a, b) => b.cpuMs - a.cpuMs);
  const stackMs = rows.reduce((sum, r) => sum + r.cpuMs, 0);
  const machineMs = (last.machine - first.machine) * MS_PER_TICK;
  const otherMs = Math.max(0, machineMs - stackMs);
  return {
    window: { ...window, seconds },
    orders,
    ordersPerSecond: orders / seconds,
    loadavg: { start: first.loadavg, end: last.loadavg },
    rows,
    stack: { cpuMs: stackMs, cpuMsPerOrder: orders > 0 ? stackMs / orders : undefined, cores: stackMs / 1000 / seconds },
    other: { cpuMs: otherMs, cores: otherMs / 1000 / seconds },
    machineCores: machineMs / 1000 / seconds,
  };
}

/** The result as a plain-text table. */
export function formatCpuTable(result) {
  if (result.error) return `CPU per order: ${result.error}\n`;
  const f1 = (n) => (n === undefined ? '-' : n.toFixed(1));
  const f2 = (n) => (n === undefined ? '-' : n.toFixed(2));
  const lines = [
    `CPU per order over ${result.window.seconds.toFixed(0)} s (from ${result.window.fromS} s after the first iteration): ` +
      `${result.orders} orders completed, ${result.ordersPerSecond.toFixed(1)} orders/s; ` +
      `load average ${result.loadavg.start.join(' ')} → ${result.loadavg.end.join(' ')}`,
    `${'process'.padEnd(34)} ${'CPU-ms/order'.padStart(12)} ${'cores'.padStart(6)}`,
    ...result.rows.map((r) => `${r.process.padEnd(34)} ${f2(r.cpuMsPerOrder).padStart(12)} ${f2(r.cores).padStart(6)}`),
    `${'= this stack'.padEnd(34)} ${f2(result.stack.cpuMsPerOrder).padStart(12)} ${f2(result.stack.cores).padStart(6)}`,
    `${'other (not this stack)'.padEnd(34)} ${''.padStart(12)} ${f2(result.other.cores).padStart(6)}`,
    `machine busy ${f2(result.machineCores)} cores; at this CPU per order 2 cores would carry ` +
      `${result.stack.cpuMsPerOrder ? f1(2000 / result.stack.cpuMsPerOrder) : '-'} orders/s (300/s needs ≤ 6.7 ms/order)`,
  ];
  return `${lines.join('\n')}\n`;
}
