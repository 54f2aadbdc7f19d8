import { freePort } from '@archipelago/platform-local-postgres';
import { startWorkspaceProcess, type RunningProcess } from '@archipelago/testing-harness';
import { TEST_CLIENT_SECRET } from '@archipelago/testing-auth';

/** The three commerce services as real processes on one database, with their ports. */
export interface CommerceStack {
  readonly urls: Record<ServiceName, string>;
  /** SIGKILL a service (a crash), then start it again with the same ports and environment. */
  crashAndRestart(name: ServiceName, downMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** Output of a service so far (for failure messages). */
  output(name: ServiceName): string;
}

export type ServiceName = 'catalog' | 'ordering' | 'payments';
const SERVICES: readonly ServiceName[] = ['catalog', 'ordering', 'payments'];

/**
 * Migrates and starts catalog, ordering and payments (compiled, from dist/) against `databaseUrl`
 * with the given transport; tokens are checked against `jwksUrl`.
 */
export async function startCommerceStack(options: {
  databaseUrl: string;
  jwksUrl: string;
  issuer: string;
  transport: 'kafka' | 'postgres';
  kafkaBrokers?: string;
  orderTimeoutMs?: number;
}): Promise<CommerceStack> {
  const ports = {
    catalog: { http: await freePort(), grpc: await freePort() },
    ordering: { http: await freePort(), grpc: await freePort() },
    payments: { http: await freePort(), grpc: await freePort() },
  };
  const env = (name: ServiceName): Record<string, string> => ({
    SERVICE_NAME: name,
    SYSTEM: 'commerce',
    HTTP_PORT: String(ports[name].http),
    GRPC_PORT: String(ports[name].grpc),
    DATABASE_URL: options.databaseUrl,
    DB_SCHEMA: name,
    MESSAGING_TRANSPORT: options.transport,
    ...(options.kafkaBrokers ? { KAFKA_BROKERS: options.kafkaBrokers } : {}),
    LOG_LEVEL: 'warn',
    COMMERCE_CURRENCY: 'USD',
    AUTH_JWKS_URL: options.jwksUrl,
    AUTH_ISSUER: options.issuer,
    AUTH_JWKS_COOLDOWN_MS: '0',
    CATALOG_GRPC_ADDRESS: `127.0.0.1:${ports.catalog.grpc}`,
    // Ordering's service token for catalog's gRPC server, from the test issuer's token endpoint.
    SERVICE_CLIENT_ID: 'ordering',
    SERVICE_CLIENT_SECRET: TEST_CLIENT_SECRET,
    ORDER_TIMEOUT_MS: String(options.orderTimeoutMs ?? 30_000),
  });
  const entry = (name: ServiceName) => `systems/commerce/${name}/src/main.ts`;
  for (const name of SERVICES) {
    await startWorkspaceProcess({ name: `${name} migrate`, entry: entry(name), args: ['migrate'], env: env(name) });
  }
  const start = (name: ServiceName) =>
    startWorkspaceProcess({
      name,
      entry: entry(name),
      env: env(name),
      readyUrl: `http://127.0.0.1:${ports[name].http}/health/ready`,
      timeoutMs: 90_000,
    });
  const running = new Map<ServiceName, RunningProcess>();
  for (const name of SERVICES) running.set(name, await start(name));
  const logs = new Map<ServiceName, string>();
  return {
    urls: Object.fromEntries(SERVICES.map((n) => [n, `http://127.0.0.1:${ports[n].http}`])) as Record<
      ServiceName,
      string
    >,
    async crashAndRestart(name, downMs = 500) {
      const proc = running.get(name)!;
      logs.set(name, (logs.get(name) ?? '') + proc.output());
      await proc.kill();
      await new Promise((r) => setTimeout(r, downMs));
      running.set(name, await start(name));
    },
    async stop() {
      await Promise.all([...running.values()].map((p) => p.stop()));
    },
    output: (name) => (logs.get(name) ?? '') + (running.get(name)?.output() ?? ''),
  };
}
