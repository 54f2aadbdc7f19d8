import 'reflect-metadata';
import { CATALOG_PROTO_FILE, CATALOG_PROTO_PACKAGE, commerceProtoRoot } from '@archipelago/commerce-contracts';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { configOrExit } from '@archipelago/platform-config';
import { GrpcHealthService, grpcServerOptions } from '@archipelago/platform-grpc';
import { registerMessagingMetrics } from '@archipelago/platform-messaging';
import {
  createHttpApp,
  platformMetricsRegistry,
  postgresReadinessCheck,
  startHttpApp,
} from '@archipelago/platform-service';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { catalogConfigSchema } from './catalog.config.js';
import { CATALOG_DOMAIN_ERRORS, CatalogModule } from './catalog.module.js';
import { StockCommandsMessageHandler } from './handler/messaging/stock-commands.message-handler.js';
import { migrateCatalog } from './repository/catalog.data-source.js';
import { CatalogInfrastructure } from './repository/catalog.infrastructure.js';

/**
 * commerce/catalog entry point.
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rebuild-projections`: empty and replay the product list read model, exit 0.
 * - `main.js`: serve HTTP (HTTP_PORT) and gRPC (GRPC_PORT); writes need an `admin` access token
 *   verified against identity's JWKS (AUTH_JWKS_URL). Consumes ordering's stock commands
 *   (`commerce.ordering.stock-commands.v1`, group `commerce.catalog`) and answers on
 *   `commerce.catalog.stock-reservations.v1`.
 */
const config = configOrExit(catalogConfigSchema);
const command = process.argv[2] ?? 'serve';
const infraConfig = {
  databaseUrl: config.DATABASE_URL,
  schema: config.DB_SCHEMA,
  transport: config.MESSAGING_TRANSPORT,
  kafkaBrokers: config.KAFKA_BROKERS,
  onError: (error: unknown) =>
    console.error(JSON.stringify({ level: 50, msg: 'background error', err: String(error) })),
};

if (command === 'migrate') {
  const ran = await migrateCatalog(config.DATABASE_URL, config.DB_SCHEMA);
  console.log(JSON.stringify({ level: 30, msg: 'migrations applied', migrations: ran }));
  process.exit(0);
} else if (command === 'rebuild-projections') {
  const infrastructure = await CatalogInfrastructure.open(infraConfig);
  await infrastructure.projectionRunner.rebuild();
  console.log(
    JSON.stringify({
      level: 30,
      msg: 'projection rebuilt',
      projection: infrastructure.projectionRunner.projection.name,
    }),
  );
  await infrastructure.close();
  process.exit(0);
} else if (command !== 'serve') {
  console.error(`unknown command ${command}; use migrate, rebuild-projections or nothing`);
  process.exit(2);
}

let observePublished: (latenciesMs: number[]) => void = () => {};
const infrastructure = await CatalogInfrastructure.open({ ...infraConfig, onPublished: (l) => observePublished(l) });
observePublished = registerMessagingMetrics(platformMetricsRegistry, {
  messaging: infrastructure.messaging,
  projections: [infrastructure.projectionRunner],
});
const app = await createHttpApp(
  CatalogModule.forRoot(infrastructure, { currency: config.COMMERCE_CURRENCY }, authOptionsFromConfig(config)),
  {
    serviceName: 'catalog',
    config,
    domainErrors: CATALOG_DOMAIN_ERRORS,
    readinessChecks: {
      postgres: postgresReadinessCheck(infrastructure.pool),
      ...(config.MESSAGING_TRANSPORT === 'kafka'
        ? { outbox: async () => ({ pending: await infrastructure.messaging.pendingOutbox() }) }
        : {}),
    },
    openapi: {
      title: 'Archipelago commerce/catalog',
      version: '1.0.0',
      description:
        'Products, stock and stock reservations of orders. Event-sourced; integration events ProductCreatedV1, StockAdjustedV1 and the stock-reservation replies.',
    },
  },
);
const health = new GrpcHealthService();
if (config.GRPC_PORT) {
  app.connectMicroservice<MicroserviceOptions>(
    grpcServerOptions({
      packages: [CATALOG_PROTO_PACKAGE],
      protoFiles: [CATALOG_PROTO_FILE],
      protoRoot: commerceProtoRoot(),
      url: `${config.HOST}:${config.GRPC_PORT}`,
      health,
    }),
  );
  await app.startAllMicroservices();
}
await infrastructure.start();
const stockCommands = app.get(StockCommandsMessageHandler);
await infrastructure.subscribeStockCommands((message) => stockCommands.handle(message));
await startHttpApp(app, config);
health.setAllServingStatus('SERVING');
