#!/usr/bin/env node
// Local single-node Apache Kafka broker (KRaft, broker+controller in one JVM),
// run with `java` from Maven Central artifacts. Node built-ins only; plain ESM.
//
// Library:
//   import { startKafka, restartKafka } from './infra/local/kafka/kafka.mjs';
//   const kafka = await startKafka({ dataDir: 'tmp' });   // kafka.brokers === '127.0.0.1:PORT'
//   await restartKafka(kafka);                             // same port, same data
//   await kafka.stop();
//
// CLI (see README.md):
//   node infra/local/kafka/kafka.mjs start [--port N] [--foreground]
//   node infra/local/kafka/kafka.mjs stop
//   node infra/local/kafka/kafka.mjs status
//   node infra/local/kafka/kafka.mjs classpath
//   node infra/local/kafka/kafka.mjs exec <main.Class> [args...]

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  fstatSync,
  realpathSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------

const HERE = dirname(fileURLToPath(import.meta.url));
/** Repository root: three levels above this file (infra/local/kafka/kafka.mjs). */
export const REPO_ROOT = resolve(HERE, '..', '..', '..');
const POM = join(HERE, 'pom.xml');
const LOG4J_CONFIG = join(HERE, 'log4j2.properties');
/** Maven local repository (git-ignored). */
export const M2_REPO = join(REPO_ROOT, '.cache', 'm2');
/** Where the resolved classpath is cached (git-ignored). */
export const CACHE_DIR = join(REPO_ROOT, '.cache', 'kafka');
export const CLASSPATH_FILE = join(CACHE_DIR, 'classpath.txt');
const CLASSPATH_STAMP = join(CACHE_DIR, 'classpath.stamp');
/** Default data dir for the broker (git-ignored). */
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.data', 'kafka', 'default');

const PID_FILE = 'kafka.pid';
const STATE_FILE = 'instance.json';
const PROPS_FILE = 'server.properties';
const LOG_DIRS = 'kraft-logs';
const DEFAULT_LOG_FILE = 'kafka.log';

const DEFAULT_START_TIMEOUT_MS = 120_000;
const DEFAULT_STOP_TIMEOUT_MS = 20_000;
const HOST = '127.0.0.1';

// JVM options: small heap, quick start. C1-only JIT keeps CPU use low on small
// machines and shortens startup; steady-state throughput is not a goal here.
const BROKER_JVM_OPTS = [
  '-Xms128m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];
const TOOL_JVM_OPTS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

function javaBin() {
  if (process.env.JAVA_HOME) {
    const j = join(process.env.JAVA_HOME, 'bin', 'java');
    if (existsSync(j)) return j;
  }
  return 'java';
}

function log4jProps({ quiet = false } = {}) {
  const p = [`-Dlog4j2.configurationFile=${LOG4J_CONFIG}`];
  if (quiet) p.push('-Dkafka.root.level=WARN', '-Dkafka.log.target=SYSTEM_ERR');
  return p;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Wait for `promise` at most `ms` (the timer is cleared so it never keeps Node alive). */
function withTimeout(promise, ms) {
  let t;
  return Promise.race([
    promise,
    new Promise((r) => {
      t = setTimeout(r, ms);
    }),
  ]).finally(() => clearTimeout(t));
}

// ---------------------------------------------------------------------------
// Classpath resolution (Maven, cached)
// ---------------------------------------------------------------------------

function fileHash(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function cachedClasspathValid(hash, classpathFile = CLASSPATH_FILE, stampFile = CLASSPATH_STAMP) {
  try {
    if (readFileSync(stampFile, 'utf8').trim() !== hash) return false;
    const cp = readFileSync(classpathFile, 'utf8').trim();
    if (!cp) return false;
    // The m2 cache may have been wiped: every jar must still exist.
    return cp.split(':').every((j) => existsSync(j));
  } catch {
    return false;
  }
}

function pidAlive(pid) {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code === 'ESRCH') return false;
    // EPERM: exists but not ours.
  }
  // A zombie (exited, not yet reaped) is dead for our purposes.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
  } catch {
    // no /proc (not Linux) or already gone
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
  }
  return true;
}

async function withLock(lockDir, fn) {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = 0;
      try {
        owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        /* being created */
      }
      let age = 0;
      try {
        age = Date.now() - statSync(lockDir).mtimeMs;
      } catch {
        continue;
      }
      if ((owner && !pidAlive(owner)) || (!owner && age > 10_000)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockDir} (held by pid ${owner})`);
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function runMaven(args) {
  const mvn = process.env.MVN || 'mvn';
  return new Promise((resolveP) => {
    let out = '';
    const child = spawn(mvn, args, { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', (err) => resolveP({ code: -1, out: `${out}\n${err.message}` }));
    child.on('close', (code) => resolveP({ code, out }));
  });
}

/**
 * Make sure the broker classpath is resolved and return the path of the file
 * that holds it (a ':'-separated list of jars). Runs Maven only when pom.xml
 * changed since the last resolution or a cached jar is missing; tries Maven
 * offline first, then online.
 * @param {{ log?: (msg: string) => void }} [opts]
 * @returns {Promise<string>}
 */
export async function resolveClasspath(opts = {}) {
  return resolveMavenClasspath({ pom: POM, cacheDir: CACHE_DIR, what: 'Kafka', log: opts.log });
}

/**
 * Resolves the runtime classpath of a "classpath POM" (a POM that only lists dependencies) with
 * `mvn dependency:build-classpath` into `<cacheDir>/classpath.txt` (':'-separated jars), with the
 * Maven local repository in .cache/m2; Maven runs only when the POM changed or a jar is missing,
 * offline first, then online. Shared by the local broker and the local trace viewer
 * (infra/local/zipkin). Returns the classpath file's path.
 * @param {{ pom: string, cacheDir: string, what: string, log?: (msg: string) => void }} opts
 * @returns {Promise<string>}
 * @throws {Error} with Maven's output when it fails
 */
export async function resolveMavenClasspath({ pom, cacheDir, what, log = () => {} }) {
  const classpathFile = join(cacheDir, 'classpath.txt');
  const stampFile = join(cacheDir, 'classpath.stamp');
  const hash = fileHash(pom);
  if (cachedClasspathValid(hash, classpathFile, stampFile)) return classpathFile;
  mkdirSync(cacheDir, { recursive: true });
  return withLock(join(cacheDir, 'resolve.lock'), async () => {
    if (cachedClasspathValid(hash, classpathFile, stampFile)) return classpathFile; // someone else did it
    const tmpOut = `${classpathFile}.${process.pid}.tmp`;
    const base = [
      '-B',
      '-q',
      '-f',
      pom,
      `-Dmaven.repo.local=${M2_REPO}`,
      'dependency:build-classpath',
      `-Dmdep.outputFile=${tmpOut}`,
      '-Dmdep.includeScope=runtime',
    ];
    const t0 = Date.now();
    let res = { code: 1, out: '' };
    if (existsSync(M2_REPO)) {
      log(`resolving ${what} classpath with Maven (offline)...`);
      res = await runMaven(['-o', ...base]);
    }
    if (res.code !== 0) {
      log(`resolving ${what} classpath with Maven (online, local repo ${M2_REPO})...`);
      res = await runMaven(base);
    }
    if (res.code !== 0 || !existsSync(tmpOut)) {
      rmSync(tmpOut, { force: true });
      throw new Error(
        `Maven failed to resolve the ${what} classpath (exit ${res.code}):\n${res.out.trim().split('\n').slice(-40).join('\n')}`,
      );
    }
    renameSync(tmpOut, classpathFile);
    writeFileSync(stampFile, `${hash}\n`);
    log(`classpath resolved in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return classpathFile;
  });
}

async function readClasspath(opts) {
  return readFileSync(await resolveClasspath(opts), 'utf8').trim();
}

// ---------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------

function listenOnce(port) {
  return new Promise((resolveP, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host: HOST, port, exclusive: true }, () => resolveP(srv));
  });
}

async function freePorts(n) {
  const servers = [];
  try {
    for (let i = 0; i < n; i++) servers.push(await listenOnce(0));
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

async function portFree(port) {
  try {
    const s = await listenOnce(port);
    await new Promise((r) => s.close(r));
    return true;
  } catch {
    return false;
  }
}

async function waitPortFree(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await portFree(port))) {
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
  return true;
}

// ---------------------------------------------------------------------------
// Minimal Kafka wire protocol: ApiVersions v0 + Metadata v4 readiness probe
// ---------------------------------------------------------------------------

function encodeRequest(apiKey, apiVersion, correlationId, body) {
  const clientId = Buffer.from('archipelago-probe');
  const header = Buffer.alloc(2 + 2 + 4 + 2);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const payload = Buffer.concat([header, clientId, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

/** Send requests over one connection, one at a time; resolve with response bodies. */
function kafkaRoundTrips(host, port, requests, timeoutMs) {
  return new Promise((resolveP, reject) => {
    const sock = net.connect({ host, port });
    const responses = [];
    let buf = Buffer.alloc(0);
    let i = 0;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no Kafka response within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (err) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolveP(responses);
    };
    const sendNext = () => {
      let r;
      try {
        r = requests[i](responses);
      } catch (err) {
        return done(err);
      }
      if (!r) return done();
      sock.write(encodeRequest(r.apiKey, r.apiVersion, 1000 + i, r.body));
    };
    sock.on('connect', sendNext);
    sock.on('error', done);
    sock.on('close', () => {
      if (i < requests.length) done(new Error('connection closed by broker'));
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4) {
        const len = buf.readInt32BE(0);
        if (buf.length < 4 + len) return;
        const frame = buf.subarray(4, 4 + len);
        buf = buf.subarray(4 + len);
        if (frame.readInt32BE(0) !== 1000 + i) return done(new Error('unexpected correlation id'));
        responses.push(frame.subarray(4));
        i += 1;
        if (i >= requests.length) return done();
        sendNext();
      }
    });
  });
}

/**
 * Ask a broker whether it is really serving: ApiVersions (error 0) and then
 * Metadata listing at least one broker (i.e. the broker registered with the
 * controller and is unfenced). Throws if not ready.
 * @param {{ host?: string, port: number, timeoutMs?: number }} opts
 * @returns {Promise<{ apiVersions: number, brokers: {nodeId:number, host:string, port:number}[], clusterId: string|null, controllerId: number }>}
 */
export async function probeKafka({ host = HOST, port, timeoutMs = 3000 }) {
  let apiCount = 0;
  let metadataOk = false;
  const [, mdResp] = await kafkaRoundTrips(
    host,
    port,
    [
      () => ({ apiKey: 18, apiVersion: 0, body: Buffer.alloc(0) }), // ApiVersions v0
      ([api]) => {
        const err = api.readInt16BE(0);
        if (err !== 0) throw new Error(`ApiVersions error code ${err}`);
        apiCount = api.readInt32BE(2);
        for (let k = 0; k < apiCount; k++) {
          const off = 6 + k * 6;
          const key = api.readInt16BE(off);
          if (key === 3 && api.readInt16BE(off + 2) <= 4 && api.readInt16BE(off + 4) >= 4) metadataOk = true;
        }
        if (!metadataOk) return null;
        // Metadata v4: topics = [] (no topics, brokers only), allow_auto_topic_creation = false
        return { apiKey: 3, apiVersion: 4, body: Buffer.from([0, 0, 0, 0, 0]) };
      },
    ],
    timeoutMs,
  );
  if (!metadataOk) {
    // Metadata v4 no longer supported (future Kafka): ApiVersions answered; good enough.
    return { apiVersions: apiCount, brokers: [], clusterId: null, controllerId: -1 };
  }
  if (!mdResp) throw new Error('no Metadata response');
  let off = 4; // throttle_time_ms
  const n = mdResp.readInt32BE(off);
  off += 4;
  const brokers = [];
  const readStr = () => {
    const l = mdResp.readInt16BE(off);
    off += 2;
    if (l < 0) return null;
    const s = mdResp.toString('utf8', off, off + l);
    off += l;
    return s;
  };
  for (let k = 0; k < n; k++) {
    const nodeId = mdResp.readInt32BE(off);
    off += 4;
    const h = readStr();
    const p = mdResp.readInt32BE(off);
    off += 4;
    readStr(); // rack
    brokers.push({ nodeId, host: h, port: p });
  }
  const clusterId = readStr();
  const controllerId = mdResp.readInt32BE(off);
  if (brokers.length === 0) throw new Error('broker not registered yet (Metadata lists no brokers)');
  return { apiVersions: apiCount, brokers, clusterId, controllerId };
}

// ---------------------------------------------------------------------------
// Data dir, config, formatting
// ---------------------------------------------------------------------------

function clusterId() {
  // Kafka Uuid: 16 random bytes, base64url without padding (22 chars); Kafka
  // avoids ids starting with '-' (would look like a CLI flag).
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties({ dataDir, port, controllerPort }) {
  const logDirs = join(dataDir, LOG_DIRS);
  return `# Generated by infra/local/kafka/kafka.mjs on each start - edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=${HOST}:${controllerPort}
listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}
advertised.listeners=PLAINTEXT://${HOST}:${port}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${logDirs}

# single node: everything replicated once
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=true
delete.topic.enable=true

# fast startup / small footprint
group.initial.rebalance.delay.ms=0
broker.heartbeat.interval.ms=500
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
log.cleaner.dedupe.buffer.size=16777216
log.cleaner.threads=1
`;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function isFormatted(dataDir) {
  return existsSync(join(dataDir, LOG_DIRS, 'meta.properties'));
}

function formattedClusterId(dataDir) {
  try {
    const m = /^cluster\.id=(.*)$/m.exec(readFileSync(join(dataDir, LOG_DIRS, 'meta.properties'), 'utf8'));
    return m ? m[1].trim() : null;
  } catch {
    return null;
  }
}

function readPid(dataDir) {
  try {
    const n = Number(readFileSync(join(dataDir, PID_FILE), 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

function runJavaSync(cp, mainClass, args, { quiet = true } = {}) {
  return spawnSync(javaBin(), [...TOOL_JVM_OPTS, ...log4jProps({ quiet }), '-cp', cp, mainClass, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

function formatStorage(cp, dataDir, propsFile) {
  const id = clusterId();
  const r = runJavaSync(cp, 'kafka.tools.StorageTool', [
    'format',
    '--standalone',
    '--cluster-id',
    id,
    '--config',
    propsFile,
    '--ignore-formatted',
  ]);
  if (r.error) throw new Error(`could not run java for kafka.tools.StorageTool: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`kafka.tools.StorageTool format failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  }
  return id;
}

function tailFile(file, maxLines = 60, maxBytes = 64 * 1024) {
  try {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const len = Math.min(size, maxBytes);
      const b = Buffer.alloc(len);
      readSync(fd, b, 0, len, size - len);
      return b.toString('utf8').split('\n').slice(-maxLines).join('\n');
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return `(could not read ${file}: ${e.message})`;
  }
}

/** Error lines and tail of the current run's section of the broker log. */
function failureReport(logFile) {
  const text = tailFile(logFile, 4000, 1024 * 1024);
  const marker = text.lastIndexOf('===== kafka.mjs: starting broker');
  const lines = (marker >= 0 ? text.slice(marker) : text).split('\n');
  const errors = lines.filter((l) => /^\[[^\]]+\] (ERROR|FATAL) |Exception|Error:/.test(l)).slice(0, 12);
  const tail = lines.slice(-40);
  let out = `\n--- broker log: ${logFile}`;
  if (errors.length) out += `\n--- errors (first ${errors.length}):\n${errors.map((l) => l.slice(0, 600)).join('\n')}`;
  out += `\n--- last ${tail.length} lines:\n${tail.map((l) => l.slice(0, 600)).join('\n')}`;
  return out;
}

/** Is `pid` a Kafka broker JVM started for this data dir? */
function isOurKafka(pid, dataDir) {
  if (!pidAlive(pid)) return false;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmd.includes('kafka.Kafka') && cmd.includes(join(dataDir, PROPS_FILE));
  } catch {
    return true; // no /proc: trust the pid file
  }
}

// ---------------------------------------------------------------------------
// Process management
// ---------------------------------------------------------------------------

/** Live brokers that must die with this Node process. */
const owned = new Set();
let exitHooksInstalled = false;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killGroup(pid, sig) {
  try {
    process.kill(-pid, sig);
    return;
  } catch {
    /* not a group leader / gone */
  }
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Synchronous (usable in an 'exit' handler): SIGKILL all owned brokers, wait for them, clean up. */
function killOwnedNow() {
  const insts = [...owned];
  owned.clear();
  for (const inst of insts) killGroup(inst.pid, 'SIGKILL');
  const deadline = Date.now() + 5000;
  for (const inst of insts) {
    while (pidAlive(inst.pid) && Date.now() < deadline) sleepSync(20);
    try {
      rmSync(join(inst.dataDir, PID_FILE), { force: true });
    } catch {
      /* ignore */
    }
    if (inst.tempDir) {
      try {
        rmSync(inst.dataDir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        /* ignore */
      }
    }
  }
}

function onExit() {
  killOwnedNow();
}

function onSignal(sig) {
  // If somebody else also handles this signal, they own the shutdown (e.g. the
  // CLI's --foreground mode stops the broker gracefully); the 'exit' hook still
  // guarantees the broker dies with us. Otherwise emulate the default action:
  // kill the brokers (they are in their own process group, so a terminal ^C
  // would not reach them) and exit.
  if (process.listenerCount(sig) > 1) return;
  killOwnedNow();
  uninstallExitHooks();
  // Exit like an unhandled signal would (as the shell reports it: 128 + signo).
  process.exit(128 + (os.constants.signals[sig] ?? 15));
}

function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstallExitHooks() {
  if (!exitHooksInstalled) return;
  exitHooksInstalled = false;
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}

function track(inst) {
  owned.add(inst);
  installExitHooks();
}

function untrack(inst) {
  owned.delete(inst);
  if (owned.size === 0) uninstallExitHooks();
}

async function waitPidExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** SIGTERM the process group, wait, then SIGKILL. Resolves once the JVM is gone. */
async function terminate(pid, { timeoutMs = DEFAULT_STOP_TIMEOUT_MS, exited } = {}) {
  if (!pidAlive(pid)) return;
  killGroup(pid, 'SIGTERM');
  const wait = (ms) => (exited ? withTimeout(exited, ms).then(() => !pidAlive(pid)) : waitPidExit(pid, ms));
  if (await wait(timeoutMs)) return;
  killGroup(pid, 'SIGKILL');
  await wait(10_000);
}

/**
 * @typedef {object} KafkaHandle
 * @property {string} brokers  "127.0.0.1:PORT" (bootstrap servers)
 * @property {number} port  PLAINTEXT listener port
 * @property {number} controllerPort  CONTROLLER listener port
 * @property {number} pid  pid of the broker JVM (changes on restart)
 * @property {string} dataDir  absolute data dir
 * @property {string} logFile  broker stdout/stderr (log4j) file
 * @property {string} clusterId
 * @property {number} startupMs  time from spawn until ready
 * @property {() => Promise<void>} stop  stop the broker (SIGTERM, then SIGKILL after ~20 s); deletes a 'tmp' data dir
 */

/**
 * Start a single-node KRaft Kafka broker and wait until it really serves
 * requests (ApiVersions + Metadata listing the broker).
 *
 * @param {object} [opts]
 * @param {number} [opts.port]  PLAINTEXT port (default: previous port of this data dir if free, else a free port)
 * @param {number} [opts.controllerPort]  CONTROLLER port (same default rule)
 * @param {string} [opts.dataDir]  data dir; 'tmp' = fresh mkdtemp dir, deleted on stop (default <repo>/.data/kafka/default)
 * @param {string} [opts.logFile]  broker log file (default <dataDir>/kafka.log, appended to)
 * @param {number} [opts.timeoutMs]  readiness timeout (default 120000)
 * @param {number} [opts.stopTimeoutMs]  graceful stop timeout before SIGKILL (default 20000)
 * @param {string[]} [opts.jvmOpts]  extra JVM options (appended; e.g. ['-Xmx1g'])
 * @param {Record<string,string|number|boolean>} [opts.config]  extra/overriding server.properties entries
 * @param {boolean} [opts.background]  leave the broker running when this Node process exits (CLI 'start')
 * @param {(msg: string) => void} [opts.log]  progress messages (default: none)
 * @returns {Promise<KafkaHandle>}
 */
export async function startKafka(opts = {}) {
  const log = opts.log ?? (() => {});
  const cp = await readClasspath({ log });

  let tempDir = false;
  let dataDir;
  if (opts.dataDir === 'tmp') {
    dataDir = mkdtempSync(join(os.tmpdir(), 'archipelago-kafka-'));
    tempDir = true;
  } else {
    dataDir = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
    mkdirSync(dataDir, { recursive: true });
  }
  if (opts._tempDir) tempDir = true; // restart of a 'tmp' instance
  try {
    return await launch(opts, { cp, log, dataDir, tempDir });
  } catch (e) {
    if (tempDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

async function launch(opts, { cp, log, dataDir, tempDir }) {
  const existing = readPid(dataDir);
  if (existing && isOurKafka(existing, dataDir)) {
    const st = readJson(join(dataDir, STATE_FILE)) ?? {};
    throw new Error(
      `a Kafka broker is already running on data dir ${dataDir} (pid ${existing}, brokers ${HOST}:${st.port})`,
    );
  }

  // Ports: explicit > previous ones of this data dir (if free) > fresh free ones.
  // Re-using the controller port matters: with --standalone the controller's
  // endpoint is recorded in the metadata log's voter set.
  const prev = readJson(join(dataDir, STATE_FILE)) ?? {};
  let port = opts.port;
  let controllerPort = opts.controllerPort;
  if (!port && prev.port && prev.port !== controllerPort && (await portFree(prev.port))) port = prev.port;
  if (!controllerPort && prev.controllerPort && prev.controllerPort !== port && (await portFree(prev.controllerPort)))
    controllerPort = prev.controllerPort;
  if (!port || !controllerPort) {
    const [a, b, c] = await freePorts(3);
    if (!port) port = [a, b, c].find((p) => p !== controllerPort);
    if (!controllerPort) controllerPort = [a, b, c].find((p) => p !== port);
  }
  if (port === controllerPort) throw new Error(`port and controllerPort must differ (${port})`);

  const propsFile = join(dataDir, PROPS_FILE);
  let props = serverProperties({ dataDir, port, controllerPort });
  for (const [k, v] of Object.entries(opts.config ?? {})) props += `${k}=${v}\n`;
  writeFileSync(propsFile, props);

  if (!isFormatted(dataDir)) {
    log(`formatting ${join(dataDir, LOG_DIRS)}...`);
    formatStorage(cp, dataDir, propsFile);
  }
  const cid = formattedClusterId(dataDir);
  writeFileSync(
    join(dataDir, STATE_FILE),
    `${JSON.stringify({ port, controllerPort, clusterId: cid, brokers: `${HOST}:${port}` }, null, 2)}\n`,
  );

  const logFile = opts.logFile ? resolve(opts.logFile) : join(dataDir, DEFAULT_LOG_FILE);
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  writeSync(
    fd,
    `\n===== kafka.mjs: starting broker ${HOST}:${port} (controller ${controllerPort}) at ${new Date().toISOString()} =====\n`,
  );
  const args = [
    ...BROKER_JVM_OPTS,
    ...(opts.jvmOpts ?? []),
    ...log4jProps(),
    `-Dkafka.logs.dir=${join(dataDir, 'logs')}`,
    '-cp',
    cp,
    'kafka.Kafka',
    propsFile,
  ];
  const t0 = Date.now();
  let child;
  try {
    child = spawn(javaBin(), args, { cwd: dataDir, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const spawnError = new Promise((r) => child.once('error', r));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  child.unref();
  const pid = await Promise.race([
    new Promise((r) => child.once('spawn', () => r(child.pid))),
    spawnError.then((e) => {
      throw new Error(`could not start java (${javaBin()}): ${e.message}`);
    }),
  ]);
  writeFileSync(join(dataDir, PID_FILE), `${pid}\n`);

  const inst = { pid, dataDir, tempDir, exited };
  if (!opts.background) track(inst);

  // Wait until really ready.
  const timeoutMs = opts.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const deadline = t0 + timeoutMs;
  let died = null;
  exited.then((x) => {
    died = x;
  });
  let lastErr = null;
  for (;;) {
    if (died) {
      const msg = `Kafka broker exited during startup (code ${died.code}, signal ${died.signal}). ${failureReport(logFile)}`;
      await cleanupFailed(inst);
      throw new Error(msg);
    }
    try {
      await probeKafka({ port, timeoutMs: Math.max(500, Math.min(3000, deadline - Date.now())) });
      break;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      await terminate(pid, { timeoutMs: 5000, exited });
      const msg = `Kafka broker on ${HOST}:${port} not ready after ${timeoutMs} ms (last probe error: ${lastErr?.message}). ${failureReport(logFile)}`;
      await cleanupFailed(inst);
      throw new Error(msg);
    }
    await withTimeout(exited, 250);
  }
  const startupMs = Date.now() - t0;
  log(`Kafka ready on ${HOST}:${port} in ${(startupMs / 1000).toFixed(1)} s (pid ${pid})`);

  const stopTimeoutMs = opts.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  let stopping = null;
  /** @param {{ keepData?: boolean }} [o] */
  const stop = (o = {}) => {
    stopping ??= (async () => {
      await terminate(pid, { timeoutMs: stopTimeoutMs, exited });
      untrack(inst);
      if (readPid(dataDir) === pid) rmSync(join(dataDir, PID_FILE), { force: true });
      if (tempDir && !o.keepData) rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  return {
    brokers: `${HOST}:${port}`,
    port,
    controllerPort,
    pid,
    dataDir,
    logFile,
    clusterId: cid,
    startupMs,
    stop: () => stop(),
    // internals for restartKafka
    _stop: stop,
    _opts: { ...opts, port, controllerPort, dataDir, logFile, _tempDir: tempDir },
  };
}

async function cleanupFailed(inst) {
  if (pidAlive(inst.pid)) await terminate(inst.pid, { timeoutMs: 5000, exited: inst.exited });
  untrack(inst);
  rmSync(join(inst.dataDir, PID_FILE), { force: true });
  if (inst.tempDir) rmSync(inst.dataDir, { recursive: true, force: true });
}

/**
 * Stop the broker behind `handle` and start it again on the same ports and data
 * dir (data is kept, also for 'tmp' data dirs). Mutates and returns `handle`
 * (new pid, stop() now stops the new process).
 * @param {KafkaHandle} handle
 * @param {{ downMs?: number }} [opts]  downMs: extra pause while the broker is down
 * @returns {Promise<KafkaHandle>}
 */
export async function restartKafka(handle, opts = {}) {
  if (!handle?._stop) throw new Error('restartKafka: not a handle returned by startKafka');
  await handle._stop({ keepData: true });
  if (opts.downMs) await sleep(opts.downMs);
  // The listening sockets are closed when the JVM exits, but be tolerant.
  await waitPortFree(handle.port, 15_000);
  await waitPortFree(handle.controllerPort, 15_000);
  const next = await startKafka(handle._opts);
  Object.assign(handle, next);
  return handle;
}

/**
 * Stop a broker by data dir using its pid file (e.g. one started by the CLI in
 * the background). Returns false if none was running.
 * @param {{ dataDir?: string, timeoutMs?: number }} [opts]
 */
export async function stopKafkaByDataDir(opts = {}) {
  const dataDir = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  const pidFile = join(dataDir, PID_FILE);
  const pid = readPid(dataDir);
  if (!pid) return false;
  if (!isOurKafka(pid, dataDir)) {
    rmSync(pidFile, { force: true });
    return false;
  }
  await terminate(pid, { timeoutMs: opts.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS });
  rmSync(pidFile, { force: true });
  return true;
}

/**
 * Run a Java main class from the Kafka classpath (e.g. Kafka's CLI tools),
 * inheriting stdio; Kafka's own logging goes to stderr at WARN.
 * @returns {Promise<number>} exit code
 */
export async function runKafkaTool(mainClass, args = [], { stdio = 'inherit' } = {}) {
  const cp = await readClasspath();
  return new Promise((resolveP, reject) => {
    const child = spawn(javaBin(), [...TOOL_JVM_OPTS, ...log4jProps({ quiet: true }), '-cp', cp, mainClass, ...args], {
      stdio,
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolveP(code ?? (signal ? 128 : 1)));
  });
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

const USAGE = `usage: node infra/local/kafka/kafka.mjs <command> [options]

commands:
  start [--port N] [--controller-port N] [--data-dir DIR] [--timeout SECONDS] [--foreground]
        start the broker; prints KAFKA_BROKERS=127.0.0.1:N when it is ready.
        Without --foreground the broker keeps running in the background
        (stop it with 'stop'); with --foreground it runs until SIGINT/SIGTERM.
  stop [--data-dir DIR]      stop a background broker (pid file in the data dir)
  status [--data-dir DIR]    print whether a broker runs for the data dir
  classpath                  resolve the classpath (Maven) and print its file path
  exec <main.Class> [args]   run a Java main class with the Kafka classpath, e.g.
                             exec org.apache.kafka.tools.ConsoleProducer --bootstrap-server 127.0.0.1:N --topic t

default data dir: ${DEFAULT_DATA_DIR}`;

function parseArgs(argv) {
  const o = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--foreground' || a === '-f') o.foreground = true;
    else if (a === '--help' || a === '-h') o.help = true;
    else if (['--port', '--controller-port', '--data-dir', '--timeout'].includes(a)) {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      o[a.slice(2)] = v;
    } else if (a.startsWith('--') && a.includes('=')) {
      const [k, v] = [a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
      o[k] = v;
    } else o._.push(a);
  }
  return o;
}

function toPort(v, name) {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`bad ${name}: ${v}`);
  return n;
}

async function cli(argv) {
  const [cmd, ...rest] = argv;
  if (cmd === 'exec') {
    const [mainClass, ...args] = rest;
    if (!mainClass) throw new Error('exec needs a main class');
    return runKafkaTool(mainClass, args);
  }
  const o = parseArgs(rest);
  if (!cmd || o.help || cmd === 'help') {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  const dataDir = o['data-dir'] ? resolve(o['data-dir']) : DEFAULT_DATA_DIR;
  const log = (m) => console.error(`[kafka] ${m}`);
  switch (cmd) {
    case 'classpath': {
      const file = await resolveClasspath({ log });
      console.log(file);
      return 0;
    }
    case 'status': {
      const pid = readPid(dataDir);
      const st = readJson(join(dataDir, STATE_FILE)) ?? {};
      if (pid && isOurKafka(pid, dataDir)) {
        let ready = false;
        try {
          await probeKafka({ port: st.port });
          ready = true;
        } catch {
          /* not ready */
        }
        console.log(`running pid=${pid} KAFKA_BROKERS=${HOST}:${st.port} ready=${ready}`);
        return 0;
      }
      console.log('not running');
      return 3;
    }
    case 'stop': {
      const stopped = await stopKafkaByDataDir({ dataDir });
      console.log(stopped ? 'stopped' : 'not running');
      return 0;
    }
    case 'start': {
      const port = toPort(o.port, '--port');
      const controllerPort = toPort(o['controller-port'], '--controller-port');
      const timeoutMs = o.timeout ? Number(o.timeout) * 1000 : undefined;
      if (!o.foreground) {
        // Idempotent: already running for this data dir -> report it.
        const pid = readPid(dataDir);
        const st = readJson(join(dataDir, STATE_FILE)) ?? {};
        if (pid && isOurKafka(pid, dataDir) && (!port || port === st.port)) {
          log(`already running (pid ${pid})`);
          console.log(`KAFKA_BROKERS=${HOST}:${st.port}`);
          return 0;
        }
      }
      const k = await startKafka({ port, controllerPort, dataDir, timeoutMs, background: !o.foreground, log });
      console.log(`KAFKA_BROKERS=${k.brokers}`);
      if (!o.foreground) {
        log(
          `running in the background (pid ${k.pid}); log: ${k.logFile}; stop with: node ${join('infra', 'local', 'kafka', 'kafka.mjs')} stop`,
        );
        return 0;
      }
      log(`running in the foreground (pid ${k.pid}); log: ${k.logFile}; Ctrl-C to stop`);
      return new Promise((resolveP) => {
        let stopping = false;
        let watch = null;
        const finish = async (code) => {
          clearInterval(watch);
          await k.stop();
          for (const s of SIGNALS) process.off(s, shutdown);
          if (code === 0) log('stopped');
          resolveP(code);
        };
        const shutdown = (sig) => {
          if (stopping) return;
          stopping = true;
          log(`${sig}: stopping broker...`);
          finish(0);
        };
        for (const s of SIGNALS) process.on(s, shutdown);
        // If the broker dies on its own, leave with an error.
        watch = setInterval(() => {
          if (stopping || pidAlive(k.pid)) return;
          stopping = true;
          log(`broker process ${k.pid} exited unexpectedly; log tail:\n${tailFile(k.logFile, 30)}`);
          finish(1);
        }, 1000);
      });
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  cli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(`[kafka] error: ${err.message}`);
      process.exitCode = 1;
    },
  );
}
