import {
  type BaseServiceConfig,
  ConfigError,
  configOrExit,
  type MaintenanceConfig,
  maintenanceConfigSchema,
} from '@archipelago/platform-config';
import { connectAuthenticatedGrpcServer, type GrpcTokenVerifier, TokenVerifier } from '@archipelago/platform-auth';
import { GrpcHealthService, type GrpcServerSetup } from '@archipelago/platform-grpc';
import {
  deadLettersCommand,
  registerEventStoreMetrics,
  registerMessagingMetrics,
  registerPoolMetrics,
  registerRetentionMetrics,
  type RetentionCounts,
} from '@archipelago/platform-messaging';
import {
  createHttpApp,
  platformMetricsRegistry,
  postgresReadinessCheck,
  startHttpApp,
  type DomainErrorMapping,
  type OpenApiOptions,
} from '@archipelago/platform-service';
import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { z } from 'zod';
import { migrateServiceDatabase } from './service-database.js';
import {
  openServiceInfrastructure,
  type ServiceInfrastructure,
  type ServiceInfrastructureClass,
} from './service-infrastructure.js';

const HOUR_MS = 3_600_000;

/** Writes one pino-shaped JSON line (`{ level, msg, …fields }`) to stdout, for commands that run without Nest. */
export function logLine(level: number, msg: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ level, msg, ...fields }));
}

/** An `onError` callback writing `{ level: 50, msg, err }` to stderr (background loops, jobs). */
export function logErrorAs(msg: string): (error: unknown) => void {
  return (error) => console.error(JSON.stringify({ level: 50, msg, err: String(error) }));
}

/** What {@link runServiceMain} builds a service from. */
export interface ServiceMainOptions<C extends BaseServiceConfig, I extends ServiceInfrastructure, P> {
  /** The service's configuration schema, read from the environment; a bad configuration exits 1 naming each bad variable. */
  readonly configSchema: z.ZodType<C>;
  /** The service's infrastructure class: its `database` is migrated by `migrate`, `open` serves. */
  readonly infrastructure: ServiceInfrastructureClass<I>;
  /**
   * Commands besides `migrate`, `rebuild-projections` and `serve`, by name (e.g. identity's
   * `rotate-keys`). Each runs without opening the infrastructure, then the process exits 0; a
   * {@link ConfigError} it throws exits 1 with its message.
   */
  readonly commands?: Readonly<Record<string, (config: C) => Promise<void>>>;
  /**
   * Maintenance commands by name (e.g. ordering's `report`): like `rebuild-projections` they read
   * only `maintenanceConfigSchema` and get the opened (not started) infrastructure and the arguments
   * after the command; the process exits with the code they return (closed infrastructure first).
   */
  readonly maintenanceCommands?: Readonly<
    Record<string, (infrastructure: I, args: readonly string[], config: MaintenanceConfig) => Promise<number>>
  >;
  /**
   * Start-up I/O of `serve` done before the database is opened (keys, client secrets); its result
   * goes to `module` and `onStarted`. A {@link ConfigError} it throws exits 1 with its message.
   */
  readonly prepare?: (config: C) => Promise<P>;
  /** Kafka topics (and their dead-letter topics) `serve` creates before the app; nothing with postgres. */
  readonly topics?: readonly string[];
  /** The service's root module over the opened infrastructure. */
  readonly module: (infrastructure: I, config: C, prepared: P) => DynamicModule;
  /** Kebab-case service name (logs, metrics `service` label); default: the infrastructure's `database.service`. */
  readonly serviceName?: string;
  /** Domain error code → HTTP status of the service's API. */
  readonly domainErrors: DomainErrorMapping;
  /** What the OpenAPI document says; a function of the config for facts known at run time. */
  readonly openapi: OpenApiOptions | ((config: C) => OpenApiOptions);
  /**
   * The gRPC server, started on `HOST:GRPC_PORT` when `GRPC_PORT` is set, with the standard health
   * service (NOT_SERVING until HTTP listens). `protoRoot` is resolved only then. EVERY call is
   * authenticated (GrpcAuthGuard): a service token whose audience is this service.
   */
  readonly grpc?: Pick<GrpcServerSetup, 'packages' | 'protoFiles'> & {
    readonly protoRoot: () => string;
    /**
     * Verifies callers' service tokens (audience {@link grpcAudienceOf}). Default: a TokenVerifier
     * on the service's `AUTH_JWKS_URL` / `AUTH_ISSUER`; a service without them cannot serve gRPC.
     */
    readonly verifier?: (config: C, prepared: P) => GrpcTokenVerifier;
  };
  /**
   * Runs once the infrastructure has started, before HTTP listens (gRPC already serves):
   * subscriptions to other services' topics, bootstrap data.
   */
  readonly onStarted?: (app: NestFastifyApplication, infrastructure: I, config: C, prepared: P) => Promise<void>;
}

/**
 * The entry point (`main.ts`) of a service. The command is the first argument:
 * - `migrate`: creates the schema and runs the pending migrations, logs `migrations applied`,
 *   exits 0 (Kubernetes runs it as a pre-upgrade Job; a service never migrates at start-up);
 * - `rebuild-projections`: empties and replays every read model, logs `projection rebuilt` for
 *   each, exits 0;
 * - `dead-letters list|replay …`: the dead letters of this service's consumers (see
 *   `deadLettersCommand`), exits 0 (2 on bad arguments);
 * `migrate`, `rebuild-projections` and `dead-letters` read only `maintenanceConfigSchema` (database,
 * schema, transport), not the service's whole configuration;
 * - a command of `options.commands`: runs it, exits 0;
 * - a command of `options.maintenanceCommands`: runs it on the opened infrastructure with the
 *   maintenance configuration, exits with its code;
 * - none (or `serve`): opens the infrastructure, registers the messaging metrics, creates the HTTP
 *   app (readiness: `postgres`, plus `outbox` with the kafka transport), starts gRPC when
 *   configured, starts the infrastructure, runs `onStarted`, listens on `HOST:HTTP_PORT` and marks
 *   gRPC health SERVING. SIGTERM/SIGINT close the app, which closes the infrastructure last.
 * - anything else: a usage line on stderr, exit 2.
 * Background errors are logged as `background error` on stderr. The messaging retention runs with
 * the `MESSAGING_*_RETENTION_*` settings; each pass that deleted rows logs `messaging retention`
 * with the counts per table, also counted in `messaging_retention_deleted_rows_total{table}`.
 *
 * @param argv the process arguments after the script (default `process.argv.slice(2)`)
 */
export async function runServiceMain<C extends BaseServiceConfig, I extends ServiceInfrastructure, P = undefined>(
  options: ServiceMainOptions<C, I, P>,
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  const command = argv[0] ?? 'serve';
  const maintenanceCommands = options.maintenanceCommands ?? {};
  if (Object.hasOwn(maintenanceCommands, command)) {
    const maintenance = configOrExit(maintenanceConfigSchema);
    const infrastructure = await openServiceInfrastructure(options.infrastructure, infrastructureConfigOf(maintenance));
    const code = await maintenanceCommands[command]!(infrastructure, argv.slice(1), maintenance).finally(() =>
      infrastructure.close(),
    );
    return process.exit(code);
  }
  // Maintenance commands validate only what they use (maintenanceConfigSchema): an operator runs
  // them with the database and transport settings, without the serving ones (ports, auth, …).
  if (command === 'migrate' || command === 'rebuild-projections' || command === 'dead-letters') {
    const maintenance = configOrExit(maintenanceConfigSchema);
    if (command === 'migrate') {
      const ran = await migrateServiceDatabase(
        options.infrastructure.database,
        maintenance.DATABASE_URL,
        maintenance.DB_SCHEMA,
      );
      logLine(30, 'migrations applied', { migrations: ran });
      return process.exit(0);
    }
    const infrastructure = await openServiceInfrastructure(options.infrastructure, infrastructureConfigOf(maintenance));
    if (command === 'dead-letters') {
      const { system, service } = options.infrastructure.database;
      const code = await deadLettersCommand(
        infrastructure.messaging,
        maintenance.MESSAGING_TRANSPORT,
        argv.slice(1),
        `${system}.${service}`,
      ).finally(() => infrastructure.close());
      return process.exit(code);
    }
    for (const runner of infrastructure.projectionRunners) {
      await runner.rebuild();
      logLine(30, 'projection rebuilt', { projection: runner.projection.name });
    }
    await infrastructure.close();
    return process.exit(0);
  }
  const config: C = configOrExit(options.configSchema);
  const infrastructureConfig = infrastructureConfigOf(config);
  const extra = options.commands ?? {};

  if (Object.hasOwn(extra, command)) {
    await exitOnConfigError(() => extra[command]!(config));
    return process.exit(0);
  }
  if (command !== 'serve') {
    const names = ['migrate', ...Object.keys(extra), ...Object.keys(maintenanceCommands), 'rebuild-projections', 'dead-letters'];
    console.error(`unknown command ${command}; use ${names.join(', ')} or nothing`);
    return process.exit(2);
  }

  const prepared = (await exitOnConfigError(async () => options.prepare?.(config))) as P;
  let observePublished: (latenciesMs: number[]) => void = () => {};
  const countRetention = registerRetentionMetrics(platformMetricsRegistry);
  const infrastructure = await openServiceInfrastructure(options.infrastructure, {
    ...infrastructureConfig,
    onAppend: registerEventStoreMetrics(platformMetricsRegistry),
    onPublished: (latencies) => observePublished(latencies),
    onRetentionPass: (deleted: RetentionCounts) => {
      countRetention(deleted);
      if (Object.values(deleted).some((rows) => rows > 0)) logLine(30, 'messaging retention', { deleted });
    },
  });
  observePublished = registerMessagingMetrics(platformMetricsRegistry, {
    messaging: infrastructure.messaging,
    projections: infrastructure.projectionRunners,
  });
  registerPoolMetrics(platformMetricsRegistry, { [options.infrastructure.database.service]: infrastructure.pool });
  if (options.topics) await infrastructure.messaging.ensureTopics(options.topics);
  const app = await createHttpApp(options.module(infrastructure, config, prepared), {
    serviceName: options.serviceName ?? options.infrastructure.database.service,
    config,
    domainErrors: options.domainErrors,
    readinessChecks: {
      postgres: postgresReadinessCheck(infrastructure.pool),
      ...(config.MESSAGING_TRANSPORT === 'kafka'
        ? { outbox: async () => ({ pending: await infrastructure.messaging.pendingOutbox() }) }
        : {}),
    },
    openapi: typeof options.openapi === 'function' ? options.openapi(config) : options.openapi,
  });
  const health = new GrpcHealthService();
  if (options.grpc && config.GRPC_PORT) {
    const grpc = options.grpc;
    const verifier = await exitOnConfigError(
      async () => grpc.verifier?.(config, prepared) ?? defaultGrpcVerifier(config),
    );
    connectAuthenticatedGrpcServer(
      app,
      {
        packages: grpc.packages,
        protoFiles: grpc.protoFiles,
        protoRoot: grpc.protoRoot(),
        url: `${config.HOST}:${config.GRPC_PORT}`,
        health,
        metricsRegistry: platformMetricsRegistry,
      },
      verifier,
    );
    await app.startAllMicroservices();
  }
  await infrastructure.start();
  await options.onStarted?.(app, infrastructure, config, prepared);
  await startHttpApp(app, config);
  health.setAllServingStatus('SERVING');
}

/** The infrastructure settings (database, transport, retention) of a service or maintenance configuration. */
function infrastructureConfigOf(config: MaintenanceConfig) {
  return {
    databaseUrl: config.DATABASE_URL,
    schema: config.DB_SCHEMA,
    transport: config.MESSAGING_TRANSPORT,
    kafkaBrokers: config.KAFKA_BROKERS,
    onError: logErrorAs('background error'),
    retention: {
      outboxMs: config.MESSAGING_OUTBOX_RETENTION_HOURS * HOUR_MS,
      inboxMs: config.MESSAGING_INBOX_RETENTION_HOURS * HOUR_MS,
      deadLetterMs: config.MESSAGING_DEAD_LETTER_RETENTION_HOURS * HOUR_MS,
      intervalMs: config.MESSAGING_RETENTION_INTERVAL_SECONDS * 1000,
    },
  };
}

/** The audience callers' service tokens must name for this service's gRPC server: `GRPC_AUDIENCE`, else `<SERVICE_NAME>.<SYSTEM>`. */
export function grpcAudienceOf(config: BaseServiceConfig): string {
  return config.GRPC_AUDIENCE ?? `${config.SERVICE_NAME}.${config.SYSTEM}`;
}

/**
 * The default verifier of a gRPC server: identity's JWKS (`AUTH_JWKS_URL`), `AUTH_ISSUER`, audience
 * {@link grpcAudienceOf}.
 * @throws ConfigError when the service has no AUTH_JWKS_URL (fail closed: no unauthenticated gRPC)
 */
export function defaultGrpcVerifier(config: BaseServiceConfig): GrpcTokenVerifier {
  const auth = config as BaseServiceConfig & {
    AUTH_JWKS_URL?: string;
    AUTH_ISSUER?: string;
    AUTH_CLOCK_TOLERANCE_SEC?: number;
    AUTH_JWKS_COOLDOWN_MS?: number;
  };
  if (!auth.AUTH_JWKS_URL || !auth.AUTH_ISSUER)
    throw new ConfigError([
      'AUTH_JWKS_URL and AUTH_ISSUER are required with GRPC_PORT: every gRPC call is authenticated',
    ]);
  return new TokenVerifier({
    jwksUrl: auth.AUTH_JWKS_URL,
    issuer: auth.AUTH_ISSUER,
    audience: grpcAudienceOf(config),
    ...(auth.AUTH_CLOCK_TOLERANCE_SEC !== undefined && { clockToleranceSec: auth.AUTH_CLOCK_TOLERANCE_SEC }),
    ...(auth.AUTH_JWKS_COOLDOWN_MS !== undefined && { jwksCooldownMs: auth.AUTH_JWKS_COOLDOWN_MS }),
  });
}

/** Runs `step`; a {@link ConfigError} goes to stderr and exits 1 (any other error propagates). */
async function exitOnConfigError<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return process.exit(1);
  }
}
