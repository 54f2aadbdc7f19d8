import 'reflect-metadata';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { restrictSchemaProperty } from '@archipelago/platform-service';
import { runServiceMain } from '@archipelago/platform-service-kit';
import { PaymentCommandsMessageHandler } from './handler/messaging/payment-commands.message-handler.js';
import { paymentsConfigSchema } from './payments.config.js';
import { PAYMENTS_DOMAIN_ERRORS, PaymentsModule } from './payments.module.js';
import { PAYMENTS_CONSUMER_GROUP, PaymentsInfrastructure } from './repository/payments.infrastructure.js';

/**
 * commerce/payments entry point (commands: see `runServiceMain`).
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rebuild-projections`: empty and replay the wallet transactions read model, exit 0.
 * - `main.js`: serve HTTP (HTTP_PORT; no gRPC) and consume ordering's payment commands
 *   (group `commerce.payments`); every route needs an access token verified against identity's
 *   JWKS (AUTH_JWKS_URL).
 */
await runServiceMain({
  configSchema: paymentsConfigSchema,
  infrastructure: PaymentsInfrastructure,
  module: (infrastructure, config) =>
    PaymentsModule.forRoot(infrastructure, { currency: config.COMMERCE_CURRENCY }, authOptionsFromConfig(config)),
  domainErrors: PAYMENTS_DOMAIN_ERRORS,
  // The deployment's one currency (COMMERCE_CURRENCY) is the only one every `currency` field takes.
  openapi: (config) => ({
    refine: (document) => restrictSchemaProperty(document, 'currency', { enum: [config.COMMERCE_CURRENCY] }),
    title: 'Archipelago commerce/payments',
    version: '1.0.0',
    description:
      "Customers' wallets: an event-sourced ledger. Captures and refunds order payments for the order saga (PaymentCapturedV1, PaymentDeclinedV1, PaymentRefundedV1).",
  }),
  onStarted: async (app, infrastructure) => {
    const paymentCommands = app.get(PaymentCommandsMessageHandler);
    await infrastructure.subscribePaymentCommands((message) =>
      paymentCommands.handle(message, PAYMENTS_CONSUMER_GROUP),
    );
  },
});
