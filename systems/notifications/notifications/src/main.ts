import 'reflect-metadata';
import { NOTIFICATIONS_EVENTS } from '@archipelago/notifications-contracts';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { runServiceMain } from '@archipelago/platform-service-kit';
import { IntegrationEventsMessageHandler } from './handler/messaging/integration-events.message-handler.js';
import { notificationsConfigSchema } from './notifications.config.js';
import { NOTIFICATIONS_DOMAIN_ERRORS, NotificationsModule } from './notifications.module.js';
import { CONSUMED_TOPICS, NotificationsInfrastructure } from './repository/notifications.infrastructure.js';

/**
 * notifications/notifications entry point (commands: see `runServiceMain`).
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js`: serve HTTP (HTTP_PORT); every route needs an access token verified against
 *   identity's JWKS (AUTH_JWKS_URL). Consumes identity, commerce and scheduling events (group
 *   `notifications.notifications`) into per-user notifications; publishes NotificationCreatedV1 on
 *   `notifications.notifications.notification-created.v1` through the outbox.
 */
await runServiceMain({
  configSchema: notificationsConfigSchema,
  infrastructure: NotificationsInfrastructure,
  module: (infrastructure, config) => NotificationsModule.forRoot(infrastructure, authOptionsFromConfig(config)),
  domainErrors: NOTIFICATIONS_DOMAIN_ERRORS,
  openapi: {
    title: 'Archipelago notifications/notifications',
    version: '1.0.0',
    description:
      "Each user's notifications, made from other systems' integration events (orders, stock, reminders, tasks, accounts), their read state and the user's preferences.",
  },
  topics: [...CONSUMED_TOPICS, NOTIFICATIONS_EVENTS.NotificationCreatedV1.topic],
  onStarted: async (app, infrastructure) => {
    const events = app.get(IntegrationEventsMessageHandler);
    await infrastructure.subscribeIntegrationEvents((message) => events.handle(message));
  },
});
