#!/usr/bin/env node
// Local e-mail sink: Mailpit (SMTP server that catches every message + web UI + REST API), built once per
// machine by tools/delivery/install-tools.sh (Go module github.com/axllent/mailpit, pinned, web UI bundled).
// Node built-ins only; plain ESM. Messages live in Mailpit's temporary database: gone when it stops.
//
// Library:
//   import { startMailpit } from './infra/local/mail/mailpit.mjs';
//   const mail = await startMailpit({ logFile: '.data/logs/mailpit.log' });
//   mail.smtpPort   // where services send mail (no TLS, any or no credentials accepted)
//   mail.uiUrl      // the web UI; REST API under <url>/api/v1/
//   await mail.stop();
// CLI: node infra/local/mail/mailpit.mjs [--smtp-port N] [--http-port N]   (foreground until Ctrl-C)
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, portFree } from '../ports.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = join(HERE, '..', '..', '..');
const HOST = '127.0.0.1';
/** Mailpit's usual ports; other free ones when taken. */
export const DEFAULT_SMTP_PORT = 1025;
export const DEFAULT_HTTP_PORT = 8025;

async function pickPort(wanted, fallbackDefault) {
  const w = wanted ?? fallbackDefault;
  return w !== 0 && (await portFree(w, HOST)) ? w : freePort(HOST);
}

/**
 * Path of the Mailpit binary, building it first when this machine has none (Go needed; ~1 min cold).
 * @throws {Error} when the build fails (its output went to stderr)
 */
export function mailpitBinary() {
  return execFileSync('bash', [join(REPO_ROOT, 'tools', 'delivery', 'install-tools.sh'), 'mailpit'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop();
}

/**
 * Starts Mailpit on loopback and resolves once its API answers.
 * @param {{ smtpPort?: number, httpPort?: number, logFile?: string, timeoutMs?: number }} [opts]
 *   smtpPort / httpPort: wanted ports (default 1025 / 8025; 0 or taken → a free one); logFile: its output.
 * @returns {Promise<{ url: string, uiUrl: string, apiUrl: string, smtpPort: number, httpPort: number, pid: number, stop(): Promise<void> }>}
 * @throws {Error} when the binary cannot be built or Mailpit is not up in time (default 30 s)
 */
export async function startMailpit(opts = {}) {
  const bin = mailpitBinary();
  const smtpPort = await pickPort(opts.smtpPort, DEFAULT_SMTP_PORT);
  const httpPort = await pickPort(opts.httpPort, DEFAULT_HTTP_PORT);
  let out = 'ignore';
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    out = openSync(opts.logFile, 'a');
  }
  const child = spawn(
    bin,
    [
      '--listen',
      `${HOST}:${httpPort}`,
      '--smtp',
      `${HOST}:${smtpPort}`,
      // A local sink: accept any credentials (or none) over plain SMTP, no look-ups, no update check.
      '--smtp-auth-accept-any',
      '--smtp-auth-allow-insecure',
      '--smtp-disable-rdns',
      '--disable-version-check',
      '--max',
      String(opts.maxMessages ?? 5000),
    ],
    { stdio: ['ignore', out, out] },
  );
  if (typeof out === 'number') closeSync(out);
  let exited = null;
  const exit = new Promise((resolveP) => child.on('exit', (code, signal) => resolveP((exited = signal ?? code))));
  child.on('error', () => undefined);
  const url = `http://${HOST}:${httpPort}`;
  const handle = {
    url,
    uiUrl: `${url}/`,
    apiUrl: `${url}/api/v1`,
    smtpPort,
    httpPort,
    pid: child.pid,
    async stop() {
      if (exited !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    if (exited !== null)
      throw new Error(`Mailpit exited (${exited}) before it was up${opts.logFile ? `; see ${opts.logFile}` : ''}`);
    const up = await fetch(`${url}/api/v1/info`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return handle;
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`Mailpit was not up within ${opts.timeoutMs ?? 30_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? Number(process.argv[at + 1]) : undefined;
  };
  const mail = await startMailpit({ smtpPort: arg('--smtp-port'), httpPort: arg('--http-port') });
  console.log(`Mailpit: ${mail.uiUrl} (SMTP 127.0.0.1:${mail.smtpPort}); Ctrl-C stops it`);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void mail.stop().then(() => process.exit(0)));
}
