import 'reflect-metadata';
import {
  CATALOG_STOCK_RESERVATIONS_TOPIC,
  ORDERING_ORDERS_TOPIC,
  ORDERING_PAYMENT_COMMANDS_TOPIC,
  ORDERING_STOCK_COMMANDS_TOPIC,
  PAYMENTS_TOPIC,
} from '@archipelago/commerce-contracts';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { configOrExit } from '@archipelago/platform-config';
import { registerMessagingMetrics } from '@archipelago/platform-messaging';
import { createHttpApp, platformMetricsRegistry, postgresReadinessCheck, startHttpApp } from '@archipelago/platform-service';
import { CatalogGrpcGateway } from './gateway/catalog.grpc-gateway.js';
import { orderingConfigSchema } from './ordering.config.js';
import { ORDERING_DOMAIN_ERRORS, OrderingModule } from './ordering.module.js';
import { migrateOrdering } from './repository/ordering.data-source.js';
import { OrderingInfrastructure } from './repository/ordering.infrastructure.js';

/**
 * commerce/ordering entry point.
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rebuild-projections`: empty and replay the order list read model, exit 0.
 * - `main.js`: serve HTTP (HTTP_PORT), consume the saga's replies, run the timeout job. Every
 *   route needs a `customer` or `admin` access token verified against identity's JWKS (AUTH_JWKS_URL);
 *   prices come from catalog over gRPC (CATALOG_GRPC_ADDRESS).
 */
const config = configOrExit(orderingConfigSchema);
const command = process.argv[2] ?? 'serve';
const logError = (msg: string) => (error: unknown) => console.error(JSON.stringify({ level: 50, msg, err: String(error) }));
const infraConfig = {
  databaseUrl: config.DATABASE_URL,
  schema: config.DB_SCHEMA,
  transport: config.MESSAGING_TRANSPORT,
  kafkaBrokers: config.KAFKA_BROKERS,
  onError: logError('background error'),
};

if (command === 'migrate') {
  const ran = await migrateOrdering(config.DATABASE_URL, config.DB_SCHEMA);
  console.log(JSON.stringify({ level: 30, msg: 'migrations applied', migrations: ran }));
  process.exit(0);
} else if (command === 'rebuild-projections') {
  const infrastructure = await OrderingInfrastructure.open(infraConfig);
  await infrastructure.projectionRunner.rebuild();
  console.log(JSON.stringify({ level: 30, msg: 'projection rebuilt', projection: infrastructure.projectionRunner.projection.name }));
  await infrastructure.close();
  process.exit(0);
} else if (command !== 'serve') {
  console.error(`unknown command ${command}; use migrate, rebuild-projections or nothing`);
  process.exit(2);
}

let observePublished: (latenciesMs: number[]) => void = () => {};
const infrastructure = await OrderingInfrastructure.open({ ...infraConfig, onPublished: (l) => observePublished(l) });
observePublished = registerMessagingMetrics(platformMetricsRegistry, {
  messaging: infrastructure.messaging,
  projections: [infrastructure.projectionRunner],
});
await infrastructure.messaging.ensureTopics([
  ORDERING_STOCK_COMMANDS_TOPIC,
  ORDERING_PAYMENT_COMMANDS_TOPIC,
  ORDERING_ORDERS_TOPIC,
  CATALOG_STOCK_RESERVATIONS_TOPIC,
  PAYMENTS_TOPIC,
]);
const catalog = new CatalogGrpcGateway({ address: config.CATALOG_GRPC_ADDRESS, deadlineMs: config.CATALOG_GRPC_DEADLINE_MS });
const app = await createHttpApp(
  OrderingModule.forRoot({
    infrastructure,
    catalog,
    settings: { currency: config.COMMERCE_CURRENCY, orderTimeoutMs: config.ORDER_TIMEOUT_MS },
    auth: authOptionsFromConfig(config),
    timeoutJob: { pollMs: config.ORDER_TIMEOUT_POLL_MS, onError: logError('order timeout round failed') },
  }),
  {
    serviceName: 'ordering',
    config,
    domainErrors: ORDERING_DOMAIN_ERRORS,
    readinessChecks: {
      postgres: postgresReadinessCheck(infrastructure.pool),
      ...(config.MESSAGING_TRANSPORT === 'kafka' ? { outbox: async () => ({ pending: await infrastructure.messaging.pendingOutbox() }) } : {}),
    },
    openapi: {
      title: 'Archipelago commerce/ordering',
      version: '1.0.0',
      description:
        'Orders and the order saga (process manager, state in an event stream). Commands to catalog and payments and the facts ' +
        'OrderPlacedV1, OrderConfirmedV1, OrderCancelledV1 leave through the outbox.',
    },
  },
);
await infrastructure.start();
await startHttpApp(app, config);
