import 'reflect-metadata';
import { CATALOG_PROTO_FILE, CATALOG_PROTO_PACKAGE, commerceProtoRoot } from '@archipelago/commerce-contracts';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { restrictSchemaProperty } from '@archipelago/platform-service';
import { runServiceMain } from '@archipelago/platform-service-kit';
import { catalogConfigSchema } from './catalog.config.js';
import { CATALOG_DOMAIN_ERRORS, CatalogModule } from './catalog.module.js';
import { StockCommandsMessageHandler } from './handler/messaging/stock-commands.message-handler.js';
import { CatalogInfrastructure } from './repository/catalog.infrastructure.js';

/**
 * commerce/catalog entry point (commands: see `runServiceMain`).
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rebuild-projections`: empty and replay the product list read model, exit 0.
 * - `main.js`: serve HTTP (HTTP_PORT) and gRPC (GRPC_PORT); writes need an `admin` access token
 *   verified against identity's JWKS (AUTH_JWKS_URL). Consumes ordering's stock commands
 *   (`commerce.ordering.stock-commands.v1`, group `commerce.catalog`) and answers on
 *   `commerce.catalog.stock-reservations.v1`.
 */
await runServiceMain({
  configSchema: catalogConfigSchema,
  infrastructure: CatalogInfrastructure,
  module: (infrastructure, config) =>
    CatalogModule.forRoot(
      infrastructure,
      { currency: config.COMMERCE_CURRENCY, defaultLowStockThreshold: config.CATALOG_LOW_STOCK_THRESHOLD },
      authOptionsFromConfig(config),
    ),
  domainErrors: CATALOG_DOMAIN_ERRORS,
  // The deployment's one currency (COMMERCE_CURRENCY) is the only one every `currency` field takes.
  openapi: (config) => ({
    refine: (document) => restrictSchemaProperty(document, 'currency', { enum: [config.COMMERCE_CURRENCY] }),
    title: 'Archipelago commerce/catalog',
    version: '1.0.0',
    description:
      'Products, stock and stock reservations of orders. Event-sourced; integration events ProductCreatedV1, StockAdjustedV1 and the stock-reservation replies.',
  }),
  grpc: { packages: [CATALOG_PROTO_PACKAGE], protoFiles: [CATALOG_PROTO_FILE], protoRoot: commerceProtoRoot },
  onStarted: async (app, infrastructure) => {
    const stockCommands = app.get(StockCommandsMessageHandler);
    await infrastructure.subscribeStockCommands((message) => stockCommands.handle(message));
  },
});
