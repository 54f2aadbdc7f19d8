#!/usr/bin/env node
// Local trace viewer: the Zipkin server (UI + API, in-memory storage) run with `java` from its
// Maven Central artifact, resolved like the local Kafka broker (resolveMavenClasspath). Node
// built-ins only; plain ESM. Why Zipkin: docs/adr/0008-local-trace-viewer-zipkin.md.
//
// Library:
//   import { startZipkin } from './infra/local/zipkin/zipkin.mjs';
//   const zipkin = await startZipkin({ logFile: '.data/logs/zipkin.log' });
//   zipkin.url         // http://127.0.0.1:9411 (UI at /zipkin/, API at /api/v2/)
//   zipkin.spansUrl    // where services send spans: OTEL_EXPORTER_ZIPKIN_ENDPOINT
//   await zipkin.stop();
// CLI: node infra/local/zipkin/zipkin.mjs [--port N]   (runs in the foreground until Ctrl-C)
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, resolveMavenClasspath } from '../kafka/kafka.mjs';
import { freePort, portFree } from '../ports.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const HOST = '127.0.0.1';
/** Zipkin's usual port; another free port when it is taken. */
export const DEFAULT_PORT = 9411;
// Small heap, C1 only, serial GC: quick start and little CPU on a small machine.
const JVM_OPTS = ['-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

function javaBin() {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}


/**
 * Starts a Zipkin server and resolves once its /health answers UP.
 * @param {{ port?: number, logFile?: string, timeoutMs?: number, log?: (msg: string) => void }} [opts]
 *   port: wanted port (default 9411, a free one when taken); logFile: its output (default ignored).
 * @returns {Promise<{ url: string, uiUrl: string, spansUrl: string, port: number, pid: number, stop(): Promise<void> }>}
 * @throws {Error} when Maven cannot resolve it, Java is missing, or it is not healthy in time (default 120 s)
 */
export async function startZipkin(opts = {}) {
  const classpath = readFileSync(
    await resolveMavenClasspath({ pom: join(HERE, 'pom.xml'), cacheDir: join(REPO_ROOT, '.cache', 'zipkin'), what: 'Zipkin', log: opts.log }),
    'utf8',
  ).trim();
  const jar = classpath.split(':').find((j) => j.includes('zipkin-server'));
  if (!jar) throw new Error(`zipkin-server jar not in the resolved classpath: ${classpath}`);
  const wanted = opts.port ?? DEFAULT_PORT;
  const port = wanted !== 0 && (await portFree(wanted, HOST)) ? wanted : await freePort(HOST);
  let out = 'ignore';
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    out = openSync(opts.logFile, 'a');
  }
  const child = spawn(
    javaBin(),
    [...JVM_OPTS, '-jar', jar, `--server.port=${port}`, `--server.address=${HOST}`, '--logging.level.root=WARN'],
    { stdio: ['ignore', out, out], env: { ...process.env, STORAGE_TYPE: 'mem', QUERY_PORT: String(port) } },
  );
  if (typeof out === 'number') closeSync(out);
  let exited = null;
  const exit = new Promise((resolveP) => child.on('exit', (code, signal) => resolveP((exited = signal ?? code))));
  child.on('error', () => undefined);
  const url = `http://${HOST}:${port}`;
  const handle = {
    url,
    uiUrl: `${url}/zipkin/`,
    spansUrl: `${url}/api/v2/spans`,
    port,
    pid: child.pid,
    async stop() {
      if (exited !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    if (exited !== null) throw new Error(`Zipkin exited (${exited}) before it was healthy${opts.logFile ? `; see ${opts.logFile}` : ''}`);
    const up = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return handle;
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`Zipkin was not healthy within ${opts.timeoutMs ?? 120_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--port');
  const zipkin = await startZipkin({ port: at > 0 ? Number(process.argv[at + 1]) : undefined, log: console.log });
  console.log(`Zipkin: ${zipkin.uiUrl} (spans: ${zipkin.spansUrl}); Ctrl-C stops it`);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void zipkin.stop().then(() => process.exit(0)));
}
