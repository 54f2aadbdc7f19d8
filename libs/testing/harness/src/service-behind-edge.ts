import { freePort } from '@archipelago/platform-local-postgres';
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

/**
 * A command/query service as the split runs it, behind the edge: the service's `migrate` once, then
 * two processes, `ROLE=command` and `ROLE=query` (each on a free port, both ready), and an edge routing
 * kong.yml's `<service>.<system>:8080` to the command role and `<service>-query.<system>:8080` to the
 * query role (so a read reaching the command role, or a write the query role, fails the test).
 * @param options.databaseUrl the test database (`DB_SCHEMA` = the service name)
 * @param options.auth the test issuer: the services verify its tokens, the edge fetches its JWKS, and
 *   it answers for every other upstream
 * @param options.env more settings for both roles (e.g. `TZ`)
 * @throws Error when the migration fails, a process exits before it is ready, or kong.yml lacks a route
 */
export async function startSplitServiceBehindEdge(options: {
  system: string;
  service: string;
  databaseUrl: string;
  auth: { readonly jwksUrl: string; readonly issuer: string; readonly audience: string; readonly url: string };
  env?: Record<string, string>;
}): Promise<{ command: RunningProcess; query: RunningProcess; edge: TestEdge }> {
  const { system, service, auth } = options;
  const entry = `systems/${system}/${service}/src/main.ts`;
  const env = { ...testServiceEnv({ system, service, databaseUrl: options.databaseUrl, auth }), ...options.env };
  const [commandPort, queryPort, edgePort] = await Promise.all([freePort(), freePort(), freePort()]);
  await startWorkspaceProcess({ name: `${service} migrate`, entry, args: ['migrate'], env });
  const start = (role: 'command' | 'query', port: number) =>
    startWorkspaceProcess({
      name: `${service} ${role}`,
      entry,
      env: { ...env, ROLE: role, HTTP_PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/health/ready`,
    });
  const [command, query] = await Promise.all([start('command', commandPort), start('query', queryPort)]);
  const edge = await startTestEdge({
    port: edgePort,
    upstreams: {
      [`${service}.${system}:8080`]: `http://127.0.0.1:${commandPort}`,
      [`${service}-query.${system}:8080`]: `http://127.0.0.1:${queryPort}`,
    },
    standIn: auth.url,
    jwksUrl: auth.jwksUrl,
  });
  return { command, query, edge };
}
