#!/usr/bin/env node
// Runs a maintenance command of a service's compiled main.js with only the configuration it needs
// (see stack-target.mjs for where it connects):
//   npm run rebuild-projections -- <service>            empty and replay the service's read models
//   npm run dead-letters -- list [<service>] [--topic <t>]...    (no service: every service)
//   npm run dead-letters -- replay <service> [--group <g>] [--topic <t>]...
//   npm run dead-deliveries -- list|retry [--channel email|push] [--id <id>]...   notifications' dead e-mail/push
//   npm run report -- daily-sales [--date YYYY-MM-DD] [--time-zone <zone>]   ordering's batch job
//   npm run registry-keys -- rotate-kek|rewrap-data-keys|seal-private-fields    registry's private-field keys
//   npm run rebuild-entity-search -- [<type>]            registry's search rows of a type (all serving types without one)
// Builds first when the compiled files are missing. The same commands run inside a service's
// container image: `node --import ./tools/register.mjs . dead-letters list` (docs/operate.md).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findService, maintenanceEnv, redact, root, stackServices, UsageError } from './stack-target.mjs';

const USAGE = `usage: npm run rebuild-projections -- <service>
       npm run dead-letters -- list [<service>] [--topic <topic>]...
       npm run dead-letters -- replay <service> [--group <consumer group>] [--topic <topic>]...
       npm run dead-deliveries -- list|retry [--channel email|push] [--id <delivery id>]... [--limit <n>]
         (notifications' e-mail and web-push deliveries that failed every attempt; retry queues them again)
       npm run report -- daily-sales [--date YYYY-MM-DD] [--time-zone <IANA zone>]
         (ordering's daily sales report; default: yesterday, zone REPORT_TIME_ZONE or UTC)
       npm run registry-keys -- rotate-kek|rewrap-data-keys|seal-private-fields
         (registry's key-encryption keys: REGISTRY_KEKS / REGISTRY_KEKS_DIR, docs/systems/registry.md)
       npm run rebuild-entity-search -- [<type>]
         (registry's search rows of one entity type, or of every serving type, derived again and swapped in)
services: ${stackServices()
  .map((s) => s.name)
  .join(', ')}
Connects to the local stack of \`npm start\`, or to DATABASE_URL (+ DB_SCHEMA, MESSAGING_TRANSPORT,
KAFKA_BROKERS) when set. See docs/operate.md.`;

function main(argv) {
  const [command, ...rest] = argv;
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let services;
  let args;
  // The service command run (registry-keys names its action).
  let run = command;
  if (command === 'rebuild-projections') {
    if (rest.length !== 1) throw new UsageError(`rebuild-projections takes one service\n${USAGE}`);
    services = [findService(rest[0])];
    args = [];
  } else if (command === 'dead-letters') {
    const [action, maybeService, ...more] = rest;
    if (action !== 'list' && action !== 'replay') throw new UsageError(`dead-letters needs list or replay\n${USAGE}`);
    const named = maybeService && !maybeService.startsWith('-');
    if (!named && action === 'replay') throw new UsageError(`dead-letters replay needs a service\n${USAGE}`);
    services = named ? [findService(maybeService)] : stackServices();
    args = [action, ...(named ? more : rest.slice(1))];
  } else if (command === 'dead-deliveries') {
    if (rest[0] !== 'list' && rest[0] !== 'retry')
      throw new UsageError(`dead-deliveries needs list or retry\n${USAGE}`);
    services = [findService('notifications/notifications')];
    args = rest;
  } else if (command === 'report') {
    if (rest[0] !== 'daily-sales') throw new UsageError(`report needs a report name: daily-sales\n${USAGE}`);
    services = [findService('commerce/ordering')];
    args = rest;
  } else if (command === 'registry-keys') {
    const action = rest[0];
    if (rest.length !== 1 || !['rotate-kek', 'rewrap-data-keys', 'seal-private-fields'].includes(action)) {
      throw new UsageError(`registry-keys needs rotate-kek, rewrap-data-keys or seal-private-fields\n${USAGE}`);
    }
    services = [findService('registry/registry')];
    args = [];
    run = action;
  } else if (command === 'rebuild-entity-search') {
    if (rest.length > 1) throw new UsageError(`rebuild-entity-search takes at most one entity type\n${USAGE}`);
    services = [findService('registry/registry')];
    args = rest;
  } else throw new UsageError(USAGE);

  ensureBuilt(services);
  let status = 0;
  for (const service of services) {
    const env = maintenanceEnv(service);
    console.error(
      `[${service.system}/${service.name}] ${run} ${args.join(' ')} · ${redact(env.DATABASE_URL)} schema ${env.DB_SCHEMA} · ${env.MESSAGING_TRANSPORT}`,
    );
    const result = spawnSync(
      process.execPath,
      ['--import', join(root, 'tools', 'register.mjs'), service.main, run, ...args],
      {
        cwd: root,
        stdio: 'inherit',
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...(command === 'report' && process.env.REPORT_TIME_ZONE
            ? { REPORT_TIME_ZONE: process.env.REPORT_TIME_ZONE }
            : {}),
          ...Object.fromEntries(
            ['REGISTRY_KEKS', 'REGISTRY_KEKS_DIR', 'NODE_ENV']
              .filter((name) => service.system === 'registry' && process.env[name])
              .map((name) => [name, process.env[name]]),
          ),
          ...env,
        },
      },
    );
    status ||= result.status ?? 1;
  }
  return status;
}

/** Compiles the workspace (npm run build) when a service's main.js or the command code is missing. */
function ensureBuilt(services) {
  const needed = [
    ...services.map((s) => s.main),
    join(root, 'dist', 'libs', 'platform', 'messaging', 'src', 'dead-letters-command.js'),
  ];
  if (needed.every(existsSync)) return;
  console.error('compiled files missing: building (npm run build)');
  for (const [cmd, args] of [
    [process.execPath, [join(root, 'tools', 'ensure-generated.mjs')]],
    [join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json']],
  ]) {
    if (spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);
  }
}

try {
  process.exit(main(process.argv.slice(2)));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(error.message);
  process.exit(2);
}
