import 'reflect-metadata';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { runServiceMain } from '@archipelago/platform-service-kit';
import { credentialsConfigSchema } from './credentials.config.js';
import { CREDENTIALS_DOMAIN_ERRORS, CredentialsModule } from './credentials.module.js';
import { CredentialsInfrastructure } from './repository/credentials.infrastructure.js';

/**
 * registry/credentials entry point (commands: see `runServiceMain`).
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rebuild-projections`: empty and replay the item list read model, exit 0.
 * - `main.js`: serve HTTP (HTTP_PORT); every route needs an access token
 *   verified against identity's JWKS (AUTH_JWKS_URL), writes the `admin` role. Publishes
 *   CredentialsItemCreatedV1 on `registry.credentials.item-created.v1` through the outbox.
 */
await runServiceMain({
  configSchema: credentialsConfigSchema,
  infrastructure: CredentialsInfrastructure,
  module: (infrastructure, config) => CredentialsModule.forRoot(infrastructure, authOptionsFromConfig(config)),
  domainErrors: CREDENTIALS_DOMAIN_ERRORS,
  openapi: {
    title: 'Archipelago registry/credentials',
    version: '1.0.0',
    description: 'Items of registry/credentials. Event-sourced; integration event CredentialsItemCreatedV1.',
  },
  topics: ['registry.credentials.item-created.v1'],
});
