import 'reflect-metadata';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { runServiceMain } from '@archipelago/platform-service-kit';
import { notificationsConfigSchema } from './notifications.config.js';
import { NOTIFICATIONS_DOMAIN_ERRORS, NotificationsModule } from './notifications.module.js';
import { NotificationsInfrastructure } from './repository/notifications.infrastructure.js';

/**
 * notifications/notifications entry point (commands: see `runServiceMain`).
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rebuild-projections`: empty and replay the item list read model, exit 0.
 * - `main.js`: serve HTTP (HTTP_PORT); every route needs an access token
 *   verified against identity's JWKS (AUTH_JWKS_URL), writes the `admin` role. Publishes
 *   NotificationsItemCreatedV1 on `notifications.notifications.item-created.v1` through the outbox.
 */
await runServiceMain({
  configSchema: notificationsConfigSchema,
  infrastructure: NotificationsInfrastructure,
  module: (infrastructure, config) => NotificationsModule.forRoot(infrastructure, authOptionsFromConfig(config)),
  domainErrors: NOTIFICATIONS_DOMAIN_ERRORS,
  openapi: {
    title: 'Archipelago notifications/notifications',
    version: '1.0.0',
    description: 'Items of notifications/notifications. Event-sourced; integration event NotificationsItemCreatedV1.',
  },
  topics: ['notifications.notifications.item-created.v1'],
});
