import 'reflect-metadata';
import {
  CATALOG_STOCK_RESERVATIONS_TOPIC,
  ORDERING_ORDERS_TOPIC,
  ORDERING_PAYMENT_COMMANDS_TOPIC,
  ORDERING_STOCK_COMMANDS_TOPIC,
  PAYMENTS_TOPIC,
} from '@archipelago/commerce-contracts';
import { authOptionsFromConfig, ServiceTokenSource } from '@archipelago/platform-auth';
import { logErrorAs, runServiceMain } from '@archipelago/platform-service-kit';
import { CatalogGrpcGateway } from './gateway/catalog.grpc-gateway.js';
import { dailySalesReportCommand } from './handler/job/daily-sales-report.command.js';
import { type OrderingConfig, orderingConfigSchema, tokenUrlOf } from './ordering.config.js';
import { ORDERING_DOMAIN_ERRORS, OrderingModule } from './ordering.module.js';
import { OrderingInfrastructure } from './repository/ordering.infrastructure.js';
import { GenerateDailySalesReportUseCase } from './use-case/daily-sales-report/generate-daily-sales-report.use-case.js';

/**
 * commerce/ordering entry point (commands: see `runServiceMain`).
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rebuild-projections`: empty and replay the order list read model, exit 0.
 * - `main.js report daily-sales [--date YYYY-MM-DD] [--time-zone Z]`: the daily sales batch job
 *   (default: yesterday in REPORT_TIME_ZONE, else UTC); reads only the maintenance configuration.
 * - `main.js`: serve HTTP (HTTP_PORT), consume the saga's replies, run the timeout job. Every
 *   route needs a `customer` or `admin` access token verified against identity's JWKS (AUTH_JWKS_URL);
 *   prices come from catalog over gRPC (CATALOG_GRPC_ADDRESS).
 */
/** Ordering's service token for catalog's gRPC server (client credentials, audience catalog). */
function catalogToken(config: OrderingConfig): () => Promise<string> {
  const source = new ServiceTokenSource({
    tokenUrl: tokenUrlOf(config),
    clientId: config.SERVICE_CLIENT_ID,
    clientSecret: config.SERVICE_CLIENT_SECRET,
    audience: config.CATALOG_GRPC_AUDIENCE,
  });
  return () => source.token();
}

await runServiceMain({
  configSchema: orderingConfigSchema,
  infrastructure: OrderingInfrastructure,
  topics: [
    ORDERING_STOCK_COMMANDS_TOPIC,
    ORDERING_PAYMENT_COMMANDS_TOPIC,
    ORDERING_ORDERS_TOPIC,
    CATALOG_STOCK_RESERVATIONS_TOPIC,
    PAYMENTS_TOPIC,
  ],
  module: (infrastructure, config) =>
    OrderingModule.forRoot({
      infrastructure,
      catalog: new CatalogGrpcGateway({
        address: config.CATALOG_GRPC_ADDRESS,
        deadlineMs: config.CATALOG_GRPC_DEADLINE_MS,
        serviceToken: catalogToken(config),
      }),
      settings: { currency: config.COMMERCE_CURRENCY, orderTimeoutMs: config.ORDER_TIMEOUT_MS, returnWindowMs: config.ORDER_RETURN_WINDOW_MS },
      auth: authOptionsFromConfig(config),
      timeoutJob: { pollMs: config.ORDER_TIMEOUT_POLL_MS, onError: logErrorAs('order timeout round failed') },
    }),
  maintenanceCommands: {
    report: (infrastructure, args) =>
      dailySalesReportCommand(
        new GenerateDailySalesReportUseCase(infrastructure.salesEvents, infrastructure.salesReports),
        args,
        { timeZone: process.env['REPORT_TIME_ZONE'] || 'UTC' },
      ),
  },
  domainErrors: ORDERING_DOMAIN_ERRORS,
  openapi: {
    title: 'Archipelago commerce/ordering',
    version: '1.0.0',
    description:
      'Orders and the order saga (process manager, state in an event stream). Commands to catalog and payments and the facts ' +
      'OrderPlacedV1, OrderConfirmedV1, OrderCancelledV1 leave through the outbox.',
  },
});
