import 'reflect-metadata';
import { identityProtoRoot, USERS_PROTO_FILE, USERS_PROTO_PACKAGE } from '@archipelago/identity-contracts';
import { ConfigError, configOrExit } from '@archipelago/platform-config';
import { GrpcHealthService, grpcServerOptions } from '@archipelago/platform-grpc';
import { registerMessagingMetrics } from '@archipelago/platform-messaging';
import {
  createHttpApp,
  platformMetricsRegistry,
  postgresReadinessCheck,
  startHttpApp,
} from '@archipelago/platform-service';
import { CommandBus } from '@nestjs/cqrs';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import { rotateSigningKeys } from './gateway/signing-keys.js';
import { adminAccount, createIdentityAdapters, identitySettings, keysDirOf } from './identity.bootstrap.js';
import { identityConfigSchema } from './identity.config.js';
import { IDENTITY_DOMAIN_ERRORS, IdentityModule } from './identity.module.js';
import { migrateIdentity } from './repository/identity.data-source.js';
import { IdentityInfrastructure } from './repository/identity.infrastructure.js';
import { EnsureAdminCommand } from './use-case/ensure-admin/ensure-admin.command.js';

/**
 * identity/identity entry point.
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rotate-keys`: new signing key in IDENTITY_KEYS_DIR, the old one kept as previous; exit 0.
 * - `main.js rebuild-projections`: empty and replay the user list read model, exit 0.
 * - `main.js`: ensure the admin account, serve HTTP (HTTP_PORT) and gRPC (GRPC_PORT).
 */
const config = configOrExit(identityConfigSchema);
const command = process.argv[2] ?? 'serve';
const log = (level: number, msg: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ level, msg, ...fields }));
const infraConfig = {
  databaseUrl: config.DATABASE_URL,
  schema: config.DB_SCHEMA,
  transport: config.MESSAGING_TRANSPORT,
  kafkaBrokers: config.KAFKA_BROKERS,
  onError: (error: unknown) =>
    console.error(JSON.stringify({ level: 50, msg: 'background error', err: String(error) })),
};

if (command === 'migrate') {
  log(30, 'migrations applied', { migrations: await migrateIdentity(config.DATABASE_URL, config.DB_SCHEMA) });
  process.exit(0);
} else if (command === 'rotate-keys') {
  const dir = keysDirOf(config);
  if (!dir) {
    process.stderr.write('Invalid configuration: IDENTITY_KEYS_DIR is required to rotate keys\n');
    process.exit(1);
  }
  log(30, 'signing key rotated; restart the service to use it', await rotateSigningKeys(dir));
  process.exit(0);
} else if (command === 'rebuild-projections') {
  const infrastructure = await IdentityInfrastructure.open(infraConfig);
  await infrastructure.projectionRunner.rebuild();
  log(30, 'projection rebuilt', { projection: infrastructure.projectionRunner.projection.name });
  await infrastructure.close();
  process.exit(0);
} else if (command !== 'serve') {
  console.error(`unknown command ${command}; use migrate, rotate-keys, rebuild-projections or nothing`);
  process.exit(2);
}

let built: Awaited<ReturnType<typeof createIdentityAdapters>>;
try {
  built = await createIdentityAdapters(config);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

let observePublished: (latenciesMs: number[]) => void = () => {};
const infrastructure = await IdentityInfrastructure.open({ ...infraConfig, onPublished: (l) => observePublished(l) });
observePublished = registerMessagingMetrics(platformMetricsRegistry, {
  messaging: infrastructure.messaging,
  projections: [infrastructure.projectionRunner],
});
const app = await createHttpApp(IdentityModule.forRoot(infrastructure, built.adapters, identitySettings(config)), {
  serviceName: 'identity',
  config,
  domainErrors: IDENTITY_DOMAIN_ERRORS,
  readinessChecks: {
    postgres: postgresReadinessCheck(infrastructure.pool),
    ...(config.MESSAGING_TRANSPORT === 'kafka'
      ? { outbox: async () => ({ pending: await infrastructure.messaging.pendingOutbox() }) }
      : {}),
  },
  openapi: {
    title: 'Archipelago identity',
    version: '1.0.0',
    description:
      'Users, roles, OAuth 2.0 tokens (RFC 6749), JWKS (RFC 7517), discovery. Integration events UserRegisteredV1 and UserRolesChangedV1.',
  },
});
const health = new GrpcHealthService();
if (config.GRPC_PORT) {
  app.connectMicroservice<MicroserviceOptions>(
    grpcServerOptions({
      packages: [USERS_PROTO_PACKAGE],
      protoFiles: [USERS_PROTO_FILE],
      protoRoot: identityProtoRoot(),
      url: `${config.HOST}:${config.GRPC_PORT}`,
      health,
    }),
  );
  await app.startAllMicroservices();
}
await app.init();
await infrastructure.start();
const admin = adminAccount(config);
const ensured = await app.get(CommandBus).execute(new EnsureAdminCommand(admin.email, admin.password));
const logger = app.get(Logger);
logger.log(
  { msg: 'admin account ready', email: admin.email, userId: ensured.userId, created: ensured.created },
  'Bootstrap',
);
logger.log(
  {
    msg: 'signing key',
    kid: built.signingKid,
    ...(built.localClientsFile && { localClientsFile: built.localClientsFile }),
  },
  'Bootstrap',
);
await startHttpApp(app, config);
health.setAllServingStatus('SERVING');
