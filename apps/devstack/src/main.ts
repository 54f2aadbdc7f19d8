// `npm start`: the whole platform on one machine (ARCHITECTURE §10). Started by
// apps/devstack/devstack.mjs once the build is up to date; see apps/devstack/README.md.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  envEnum,
  envHostPortList,
  envInteger,
  envPort,
  LOG_LEVELS,
  loadConfig,
} from '@archipelago/platform-config';
import { z } from 'zod';
import { Devstack, DevstackError } from './devstack.js';
import { loadStackFile, StackFileError } from './stack-file.schema.js';
import { statusExtras } from './status-extras.js';

const USAGE = `Usage: npm start [-- --kafka] [-- --observe] [-- --split]

  --kafka     start the local Kafka broker (infra/local/kafka, data in .data/kafka) and use it
  --observe   start the local trace viewer (Zipkin, infra/local/zipkin) and send every trace to it
  --split     run the command and query roles of split services (scheduling) as separate processes,
              <name> (ROLE=command: writes) and <name>-query (ROLE=query: reads), as in Kubernetes

Environment:
  STACK_FILE          stack file (default infra/local/stack.json)
  DEVSTACK_DATA_DIR   data folder: postgres/, kafka/, logs/ (default .data)
  PGPORT_LOCAL        Postgres port (default 5433; a free port when taken)
  EDGE_PORT           edge port (default: stack file, 8000)
  EDGE_STATUS_PORT    edge status port: /health, /metrics on 127.0.0.1 (default 8007; a free port when taken)
  KAFKA_BROKERS       host:port,… of a running broker: services use the kafka transport
  LOG_LEVEL           services' log level (default info); the console shows warnings and errors
  MAIL_SMTP_PORT      the e-mail sink's SMTP port (default 1025; a free port when taken)
  MAIL_UI_PORT        the e-mail sink's web UI port (default 8025; a free port when taken)
  DEVSTACK_MAIL       off: no e-mail sink (Mailpit, infra/local/mail; built once with Go)
  DEVSTACK_READY_TIMEOUT_S  how long to wait for readiness (default 120)`;

const envSchema = z.object({
  STACK_FILE: z.string().default('infra/local/stack.json'),
  DEVSTACK_DATA_DIR: z.string().default('.data'),
  PGPORT_LOCAL: envInteger(0, 65535).default(5433),
  EDGE_PORT: envPort().optional(),
  EDGE_STATUS_PORT: envPort().optional(),
  KAFKA_BROKERS: envHostPortList().optional(),
  LOG_LEVEL: envEnum(LOG_LEVELS).default('info'),
  MAIL_SMTP_PORT: envInteger(0, 65535).default(1025),
  MAIL_UI_PORT: envInteger(0, 65535).default(8025),
  DEVSTACK_MAIL: z.enum(['on', 'off']).default('on'),
  DEVSTACK_READY_TIMEOUT_S: envInteger(1, 3600).default(120),
});

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'tsconfig.base.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the repository root (tsconfig.base.json)');
    dir = parent;
  }
  return dir;
}

const print = (text: string) => process.stdout.write(`${text}\n`);
// The terminal may close before the platform has stopped (SIGHUP): lose the output, not the shutdown.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) return (print(USAGE), 0);
  const unknown = args.filter((a) => a !== '--kafka' && a !== '--observe' && a !== '--split');
  if (unknown.length) return (process.stderr.write(`Unknown argument ${unknown.join(' ')}\n\n${USAGE}\n`), 2);

  const root = repoRoot();
  const at = (path: string) => (isAbsolute(path) ? path : resolve(root, path));
  let devstack: Devstack;
  try {
    const env = loadConfig(envSchema);
    const stack = loadStackFile(at(env.STACK_FILE));
    devstack = new Devstack({
      root,
      stack,
      dataDir: at(env.DEVSTACK_DATA_DIR),
      postgresPort: env.PGPORT_LOCAL,
      edgePort: env.EDGE_PORT ?? stack.edge.port,
      edgeStatusPort: env.EDGE_STATUS_PORT,
      kafka: args.includes('--kafka') ? 'start' : env.KAFKA_BROKERS ? { brokers: env.KAFKA_BROKERS.join(',') } : 'off',
      observe: args.includes('--observe'),
      split: args.includes('--split'),
      ...(env.DEVSTACK_MAIL === 'on' ? { mail: { smtpPort: env.MAIL_SMTP_PORT, httpPort: env.MAIL_UI_PORT } } : {}),
      logLevel: env.LOG_LEVEL,
      readyTimeoutMs: env.DEVSTACK_READY_TIMEOUT_S * 1000,
      stopGraceMs: 10_000,
      extras: statusExtras,
      print,
    });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StackFileError)
      return (process.stderr.write(`${error.message}\n`), 1);
    throw error;
  }

  let exitCode = 0;
  let signals = 0;
  let stopped: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  const shutdown = (reason: string) => {
    if (++signals > 1) {
      print(`${reason} again: killing the services now.`);
      devstack.kill();
      return;
    }
    print(`\n${reason}: stopping…`);
    const t0 = Date.now();
    void devstack.stop().then(() => {
      print(`Stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
      stopped();
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
  // The launcher (devstack.mjs) holds an IPC channel: when it dies, so does the platform.
  process.on('disconnect', () => shutdown('launcher gone'));

  try {
    await devstack.start();
  } catch (error) {
    if (signals === 0) {
      process.stderr.write(
        `\n${error instanceof DevstackError ? error.message : String((error as Error).stack ?? error)}\n`,
      );
      exitCode = 1;
      shutdown('start-up failed');
    }
  }
  await done;
  return exitCode;
}

process.exitCode = await main();
// Nothing should keep running, but a stray handle must not keep `npm start` from ending.
setTimeout(() => process.exit(), 2000).unref();
