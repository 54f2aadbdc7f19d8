import 'reflect-metadata';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { configOrExit } from '@archipelago/platform-config';
import { registerMessagingMetrics } from '@archipelago/platform-messaging';
import { createHttpApp, platformMetricsRegistry, postgresReadinessCheck, startHttpApp } from '@archipelago/platform-service';
import { PaymentCommandsMessageHandler } from './handler/messaging/payment-commands.message-handler.js';
import { paymentsConfigSchema } from './payments.config.js';
import { PAYMENTS_DOMAIN_ERRORS, PaymentsModule } from './payments.module.js';
import { migratePayments } from './repository/payments.data-source.js';
import { PAYMENTS_CONSUMER_GROUP, PaymentsInfrastructure } from './repository/payments.infrastructure.js';

/**
 * commerce/payments entry point.
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rebuild-projections`: empty and replay the wallet transactions read model, exit 0.
 * - `main.js`: serve HTTP (HTTP_PORT; no gRPC) and consume ordering's payment commands
 *   (group `commerce.payments`); every route needs an access token verified against identity's
 *   JWKS (AUTH_JWKS_URL).
 */
const config = configOrExit(paymentsConfigSchema);
const command = process.argv[2] ?? 'serve';
const infraConfig = {
  databaseUrl: config.DATABASE_URL,
  schema: config.DB_SCHEMA,
  transport: config.MESSAGING_TRANSPORT,
  kafkaBrokers: config.KAFKA_BROKERS,
  onError: (error: unknown) => console.error(JSON.stringify({ level: 50, msg: 'background error', err: String(error) })),
};

if (command === 'migrate') {
  const ran = await migratePayments(config.DATABASE_URL, config.DB_SCHEMA);
  console.log(JSON.stringify({ level: 30, msg: 'migrations applied', migrations: ran }));
  process.exit(0);
} else if (command === 'rebuild-projections') {
  const infrastructure = await PaymentsInfrastructure.open(infraConfig);
  await infrastructure.projectionRunner.rebuild();
  console.log(JSON.stringify({ level: 30, msg: 'projection rebuilt', projection: infrastructure.projectionRunner.projection.name }));
  await infrastructure.close();
  process.exit(0);
} else if (command !== 'serve') {
  console.error(`unknown command ${command}; use migrate, rebuild-projections or nothing`);
  process.exit(2);
}

let observePublished: (latenciesMs: number[]) => void = () => {};
const infrastructure = await PaymentsInfrastructure.open({ ...infraConfig, onPublished: (l) => observePublished(l) });
observePublished = registerMessagingMetrics(platformMetricsRegistry, {
  messaging: infrastructure.messaging,
  projections: [infrastructure.projectionRunner],
});
const app = await createHttpApp(PaymentsModule.forRoot(infrastructure, { currency: config.COMMERCE_CURRENCY }, authOptionsFromConfig(config)), {
  serviceName: 'payments',
  config,
  domainErrors: PAYMENTS_DOMAIN_ERRORS,
  readinessChecks: {
    postgres: postgresReadinessCheck(infrastructure.pool),
    ...(config.MESSAGING_TRANSPORT === 'kafka' ? { outbox: async () => ({ pending: await infrastructure.messaging.pendingOutbox() }) } : {}),
  },
  openapi: {
    title: 'Archipelago commerce/payments',
    version: '1.0.0',
    description:
      "Customers' wallets: an event-sourced ledger. Captures and refunds order payments for the order saga (PaymentCapturedV1, PaymentDeclinedV1, PaymentRefundedV1).",
  },
});
await infrastructure.start();
const paymentCommands = app.get(PaymentCommandsMessageHandler);
await infrastructure.subscribePaymentCommands((message) => paymentCommands.handle(message, PAYMENTS_CONSUMER_GROUP));
await startHttpApp(app, config);
