import { kafkaBrokers } from './databases.js';
import { edgeUpstreams } from './edge-upstreams.js';
import { startWorkspaceProcess, type RunningProcess } from './processes.js';

/**
 * The messaging settings of a service started by a test: the Kafka transport on the suite's broker,
 * or the postgres transport when the suite runs without one (`TEST_KAFKA=off`).
 * @returns `MESSAGING_TRANSPORT` and, for Kafka, `KAFKA_BROKERS` (comma-separated host:port)
 */
export function testMessagingEnv(): Record<string, string> {
  const brokers = kafkaBrokers();
  return brokers ? { MESSAGING_TRANSPORT: 'kafka', KAFKA_BROKERS: brokers } : { MESSAGING_TRANSPORT: 'postgres' };
}

/**
 * The environment of a service process started by a test: `SERVICE_NAME` and `DB_SCHEMA` = `service`,
 * `SYSTEM`, `DATABASE_URL`, {@link testMessagingEnv}, `LOG_LEVEL=warn`, and the JWKS URL, issuer and
 * audience of a test issuer (`auth`).
 */
export function testServiceEnv(options: {
  readonly system: string;
  readonly service: string;
  readonly databaseUrl: string;
  readonly auth: { readonly jwksUrl: string; readonly issuer: string; readonly audience: string };
}): Record<string, string> {
  return {
    SERVICE_NAME: options.service,
    SYSTEM: options.system,
    DATABASE_URL: options.databaseUrl,
    DB_SCHEMA: options.service,
    ...testMessagingEnv(),
    LOG_LEVEL: 'warn',
    AUTH_JWKS_URL: options.auth.jwksUrl,
    AUTH_ISSUER: options.auth.issuer,
    AUTH_AUDIENCE: options.auth.audience,
  };
}

/**
 * Runs a compiled service's `migrate` command to completion, then starts the service and waits
 * until `GET http://127.0.0.1:<HTTP_PORT>/health/ready` answers 2xx.
 * @param options.entry source path of its `main.ts`, e.g. `systems/registry/registry/src/main.ts`
 * @param options.env the service's environment; must hold `HTTP_PORT`
 * @returns the running service
 * @throws Error when `HTTP_PORT` is missing, the migration fails, or the service exits before it is ready
 */
export async function startMigratedService(options: {
  name: string;
  entry: string;
  env: Record<string, string | undefined>;
}): Promise<RunningProcess> {
  const port = options.env.HTTP_PORT;
  if (!port) throw new Error(`${options.name}: env.HTTP_PORT is required`);
  await startWorkspaceProcess({ name: `${options.name} migrate`, entry: options.entry, args: ['migrate'], env: options.env });
  return startWorkspaceProcess({ ...options, readyUrl: `http://127.0.0.1:${port}/health/ready` });
}

/**
 * Runs a compiled service's `migrate` command once, then the service as two processes, `ROLE=command`
 * on `commandPort` and `ROLE=query` on `queryPort` (the command/query split), and waits until both
 * answer `/health/ready`.
 * @param options.env the service's environment (HTTP_PORT and ROLE are set per process)
 * @returns both running processes
 * @throws Error when the migration fails or a process exits before it is ready
 */
export async function startCommandAndQuery(options: {
  name: string;
  entry: string;
  env: Record<string, string | undefined>;
  commandPort: number;
  queryPort: number;
}): Promise<{ command: RunningProcess; query: RunningProcess }> {
  await startWorkspaceProcess({ name: `${options.name} migrate`, entry: options.entry, args: ['migrate'], env: options.env });
  const start = (role: 'command' | 'query', port: number) =>
    startWorkspaceProcess({
      name: `${options.name} ${role}`,
      entry: options.entry,
      env: { ...options.env, ROLE: role, HTTP_PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/health/ready`,
    });
  const [command, query] = await Promise.all([start('command', options.commandPort), start('query', options.queryPort)]);
  return { command, query };
}

/** An edge (apps/edge) started by a test, with the base URL clients send requests to. */
export interface TestEdge {
  readonly process: RunningProcess;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  stop(): Promise<number | string | null>;
}

/**
 * Starts apps/edge on `port` in front of the given upstreams (any free status port) and waits for
 * its `/health`. Every other service of infra/kong/kong.yml is answered by `standIn`.
 * @param options.upstreams kong.yml `host:port` → base URL of a process the test runs
 * @param options.standIn base URL answering `/health/ready` for every other upstream (a test issuer)
 * @param options.jwksUrl where the edge fetches the keys that verify bearer tokens (EDGE_JWKS_URL)
 * @param options.env more edge settings (added to, and winning over, the ones above)
 * @throws Error when an upstream key is not in kong.yml or the edge exits before it is healthy
 */
export async function startTestEdge(options: {
  port: number;
  upstreams: Record<string, string>;
  standIn: string;
  jwksUrl: string;
  env?: Record<string, string | undefined>;
}): Promise<TestEdge> {
  const url = `http://127.0.0.1:${options.port}`;
  const edge = await startWorkspaceProcess({
    name: 'edge',
    entry: 'apps/edge/src/main.ts',
    env: {
      EDGE_PORT: String(options.port),
      EDGE_UPSTREAMS: JSON.stringify(edgeUpstreams(options.upstreams, options.standIn)),
      EDGE_JWKS_URL: options.jwksUrl,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    readyUrl: `${url}/health`,
  });
  return { process: edge, url, stop: () => edge.stop() };
}
