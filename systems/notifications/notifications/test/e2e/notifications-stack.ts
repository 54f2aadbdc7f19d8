import { freePort, startLocalPostgres, type LocalPostgres } from '@archipelago/platform-local-postgres';
import {
  edgeUpstreams,
  kafkaBrokers,
  startMailSink,
  startWorkspaceProcess,
  type MailSink,
  type RunningProcess,
} from '@archipelago/testing-harness';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The processes of {@link startNotificationsStack}; `notifications` and `notifications-b` are two replicas. */
export type StackMember = 'identity' | 'catalog' | 'ordering' | 'payments' | 'notifications' | 'notifications-b';

/** A running stack: identity, commerce, two notifications replicas, the edge, a mail sink. */
export interface NotificationsStack {
  /** The edge's base URL (every client request goes here). */
  readonly edgeUrl: string;
  /** Base URL of a member, bypassing the edge (the second replica is reached this way). */
  url(member: StackMember): string;
  readonly mail: MailSink;
  /**
   * Holds the mail sink's greeting on each SMTP connection this long (0: none, the default): every
   * e-mail then takes at least `ms` to send, but once the sink has it the sender learns so at once,
   * so a test can crash a replica between two e-mails of one delivery round.
   */
  setSmtpDelay(ms: number): void;
  /** The stack's own Postgres server; `url(system)` is a system's database. */
  readonly postgres: LocalPostgres;
  readonly transport: 'kafka' | 'postgres';
  /** SIGKILL a member (a crash); it stays down until {@link NotificationsStack.restart}. */
  kill(member: StackMember): Promise<void>;
  /** Starts a member again with the same ports and environment; resolves when it is ready. */
  restart(member: StackMember): Promise<void>;
  /** Everything a member printed so far (for failure messages). */
  output(member: StackMember): string;
  stop(): Promise<void>;
}

const ENTRY: Record<StackMember, string> = {
  identity: 'systems/identity/identity/src/main.ts',
  catalog: 'systems/commerce/catalog/src/main.ts',
  ordering: 'systems/commerce/ordering/src/main.ts',
  payments: 'systems/commerce/payments/src/main.ts',
  notifications: 'systems/notifications/notifications/src/main.ts',
  'notifications-b': 'systems/notifications/notifications/src/main.ts',
};
const SYSTEM: Record<StackMember, string> = {
  identity: 'identity',
  catalog: 'commerce',
  ordering: 'commerce',
  payments: 'commerce',
  notifications: 'notifications',
  'notifications-b': 'notifications',
};
const ORDERING_CLIENT_SECRET = 'e2e-only-ordering-client-secret';

/**
 * A TCP relay to 127.0.0.1:`port` that holds the server's first answer on each connection (the
 * SMTP greeting) `delay()` ms; everything after it passes at once.
 */
async function slowRelay(port: number, delay: () => number): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    let first = true;
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (!(first && delay() > 0)) return void (client.writable && client.write(chunk));
      first = false;
      upstream.pause(); // nothing overtakes the greeting
      setTimeout(() => {
        if (client.writable) client.write(chunk);
        upstream.resume();
      }, delay());
    });
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * Starts what `npm start` runs for an order to become a notification, as compiled processes on a
 * Postgres server of its own (one database per system, named after the system, as the postgres
 * transport expects): identity (tokens, `UserRegisteredV1`), catalog, ordering and payments, the
 * notifications service twice on one database (replica `notifications` behind the edge, replica
 * `notifications-b` reached directly), the edge, and a mail sink the notifications send to.
 * Kafka when the suite has a broker (TEST_KAFKA unset), the postgres transport otherwise.
 * @throws {Error} when a process fails to migrate or start (with its output).
 */
export async function startNotificationsStack(options: { emailPollMs?: number } = {}): Promise<NotificationsStack> {
  const brokers = kafkaBrokers();
  const transport = brokers ? 'kafka' : 'postgres';
  const [postgres, mail] = await Promise.all([startLocalPostgres({ dataDir: 'tmp' }), startMailSink()]);
  for (const system of new Set(Object.values(SYSTEM))) await postgres.ensureDatabase(system);
  let smtpDelayMs = 0;
  const smtp = await slowRelay(mail.smtpPort, () => smtpDelayMs);
  const keysDir = join(await mkdtemp(join(tmpdir(), 'notifications-e2e-')), 'keys');
  const members = Object.keys(ENTRY) as StackMember[];
  const ports = Object.fromEntries(
    await Promise.all(members.map(async (m) => [m, { http: await freePort(), grpc: await freePort() }] as const)),
  ) as Record<StackMember, { http: number; grpc: number }>;
  const url = (member: StackMember) => `http://127.0.0.1:${ports[member].http}`;
  const jwks = `${url('identity')}/identity/v1/.well-known/jwks.json`;
  const auth = { AUTH_JWKS_URL: jwks, AUTH_JWKS_COOLDOWN_MS: '0' };
  const extra: Record<StackMember, Record<string, string>> = {
    identity: {
      NODE_ENV: 'development',
      IDENTITY_KEYS_DIR: keysDir,
      IDENTITY_CLIENTS: JSON.stringify([
        { id: 'ordering', secret: ORDERING_CLIENT_SECRET, audiences: ['catalog.commerce'] },
      ]),
    },
    catalog: { ...auth, COMMERCE_CURRENCY: 'USD' },
    ordering: {
      ...auth,
      COMMERCE_CURRENCY: 'USD',
      CATALOG_GRPC_ADDRESS: `127.0.0.1:${ports.catalog.grpc}`,
      SERVICE_CLIENT_ID: 'ordering',
      SERVICE_CLIENT_SECRET: ORDERING_CLIENT_SECRET,
      AUTH_TOKEN_URL: `${url('identity')}/identity/v1/token`,
    },
    payments: { ...auth, COMMERCE_CURRENCY: 'USD' },
    notifications: {
      ...auth,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port), // the sink, through the relay that can hold its greeting
      EMAIL_POLL_MS: String(options.emailPollMs ?? 200),
    },
    'notifications-b': {},
  };
  extra['notifications-b'] = extra.notifications;
  const env = (member: StackMember): Record<string, string> => ({
    SERVICE_NAME: SYSTEM[member] === 'notifications' ? 'notifications' : member,
    SYSTEM: SYSTEM[member],
    HOST: '127.0.0.1',
    HTTP_PORT: String(ports[member].http),
    GRPC_PORT: String(ports[member].grpc),
    DATABASE_URL: postgres.url(SYSTEM[member]),
    DB_SCHEMA: SYSTEM[member] === 'notifications' ? 'notifications' : member,
    MESSAGING_TRANSPORT: transport,
    ...(brokers ? { KAFKA_BROKERS: brokers } : {}),
    LOG_LEVEL: 'warn',
    ...extra[member],
  });
  const running = new Map<StackMember, RunningProcess>();
  const logs = new Map<StackMember, string>();
  const start = async (member: StackMember) => {
    running.set(
      member,
      await startWorkspaceProcess({
        name: member,
        entry: ENTRY[member],
        env: env(member),
        readyUrl: `${url(member)}/health/ready`,
        timeoutMs: 90_000,
      }),
    );
  };
  let edge: RunningProcess | undefined;
  const stop = async () => {
    await edge?.stop();
    await Promise.all([...running.values()].map((p) => p.stop()));
    await Promise.allSettled([
      smtp.close(),
      mail.stop(),
      postgres.stop(),
      rm(join(keysDir, '..'), { recursive: true, force: true }),
    ]);
  };
  try {
    for (const member of ['identity', 'catalog', 'ordering', 'payments', 'notifications'] as const) {
      await startWorkspaceProcess({
        name: `${member} migrate`,
        entry: ENTRY[member],
        args: ['migrate'],
        env: env(member),
      });
    }
    await start('identity'); // ordering asks it for a service token, everyone for its JWKS
    await Promise.all((['catalog', 'payments', 'notifications', 'notifications-b'] as const).map(start));
    await start('ordering');
    const edgePort = await freePort();
    edge = await startWorkspaceProcess({
      name: 'edge',
      entry: 'apps/edge/src/main.ts',
      env: {
        EDGE_PORT: String(edgePort),
        EDGE_STATUS_PORT: '0',
        // Upstreams this stack does not run are answered by identity's /health/ready (never routed to here).
        EDGE_UPSTREAMS: JSON.stringify(
          edgeUpstreams(
            {
              'identity.identity:8080': url('identity'),
              'catalog.commerce:8080': url('catalog'),
              'ordering.commerce:8080': url('ordering'),
              'payments.commerce:8080': url('payments'),
              'notifications.notifications:8080': url('notifications'),
            },
            url('identity'),
          ),
        ),
        EDGE_JWKS_URL: jwks,
        LOG_LEVEL: 'warn',
      },
      readyUrl: `http://127.0.0.1:${edgePort}/health`,
    });
    return {
      edgeUrl: `http://127.0.0.1:${edgePort}`,
      url,
      mail,
      setSmtpDelay: (ms) => (smtpDelayMs = ms),
      postgres,
      transport,
      async kill(member) {
        const proc = running.get(member)!;
        logs.set(member, (logs.get(member) ?? '') + proc.output());
        await proc.kill();
      },
      restart: start,
      output: (member) => (logs.get(member) ?? '') + (running.get(member)?.output() ?? ''),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
