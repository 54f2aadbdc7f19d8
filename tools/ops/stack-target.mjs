// Where an operations command (npm run rebuild-projections | dead-letters | psql) connects: a
// service or system of infra/local/stack.json, and the database/transport settings for it.
//   - DATABASE_URL set (e.g. in a Kubernetes pod, or to reach any other Postgres): used as given;
//     DB_SCHEMA, MESSAGING_TRANSPORT and KAFKA_BROKERS likewise when set.
//   - otherwise the local stack of `npm start`: its Postgres on 127.0.0.1 (port from the running
//     devstack's .data/devstack/state.json, else PGPORT_LOCAL, else 5433), user `postgres`,
//     password `archipelago-local` (local only), one database per system; the transport the
//     devstack gave its services (kafka when it ran with brokers).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The local Postgres user and password of `npm start` (libs/platform/local-postgres). */
export const LOCAL_PG_USER = 'postgres';
export const LOCAL_PG_PASSWORD = 'archipelago-local';

/** Every service of the stack file: { system, name, schema, main (the compiled main.js) }. */
export function stackServices(env = process.env) {
  const file = env.STACK_FILE ?? join(root, 'infra', 'local', 'stack.json');
  const stack = JSON.parse(readFileSync(file, 'utf8'));
  return stack.systems.flatMap((system) =>
    system.services.map((service) => ({
      system: system.name,
      name: service.name,
      schema: service.schema ?? service.name.replaceAll('-', '_'),
      main: join(root, 'dist', service.main.replace(/\.ts$/, '.js')),
    })),
  );
}

/** The systems (databases) of the stack file. */
export function stackSystems(env = process.env) {
  return [...new Set(stackServices(env).map((s) => s.system))];
}

/** The service named `name` (`catalog`, `commerce/catalog` or `commerce-catalog`); throws listing the names when unknown. */
export function findService(name, env = process.env) {
  const services = stackServices(env);
  const found = services.find((s) => [s.name, `${s.system}/${s.name}`, `${s.system}-${s.name}`].includes(name));
  if (!found) throw new UsageError(`unknown service "${name}"; one of: ${services.map((s) => s.name).join(', ')}`);
  return found;
}

/** A mistake of the caller: printed without a stack trace, exit 2. */
export class UsageError extends Error {}

/** The running devstack's state (postgresPort, kafkaBrokers), or undefined when none runs. */
export function devstackState(env = process.env) {
  const file = join(resolve(root, env.DEVSTACK_DATA_DIR || '.data'), 'devstack', 'state.json');
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8'));
    process.kill(state.pid, 0); // throws when that devstack is gone
    return state;
  } catch {
    return undefined;
  }
}

/** `postgres://…/<database>` for `database`: DATABASE_URL's server with that database, or the local stack's. */
export function databaseUrl(database, env = process.env) {
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL);
    url.pathname = `/${database}`;
    return url.toString();
  }
  const port = devstackState(env)?.postgresPort ?? (Number(env.PGPORT_LOCAL) || 5433);
  return `postgres://${LOCAL_PG_USER}:${LOCAL_PG_PASSWORD}@127.0.0.1:${port}/${database}`;
}

/**
 * The environment of a maintenance command of `service` (main.js migrate | rebuild-projections |
 * dead-letters): DATABASE_URL, DB_SCHEMA, MESSAGING_TRANSPORT, KAFKA_BROKERS — nothing else of
 * the service's configuration.
 */
export function maintenanceEnv(service, env = process.env) {
  const brokers = env.KAFKA_BROKERS ?? (env.DATABASE_URL ? undefined : devstackState(env)?.kafkaBrokers);
  return {
    DATABASE_URL: env.DATABASE_URL ?? databaseUrl(service.system, env),
    DB_SCHEMA: env.DB_SCHEMA ?? service.schema,
    MESSAGING_TRANSPORT: env.MESSAGING_TRANSPORT ?? (brokers ? 'kafka' : 'postgres'),
    ...(brokers ? { KAFKA_BROKERS: brokers } : {}),
  };
}

/** A URL with its password replaced by `***`, for messages. */
export function redact(url) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
