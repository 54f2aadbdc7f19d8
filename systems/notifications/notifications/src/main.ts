import 'reflect-metadata';
import { NOTIFICATIONS_EVENTS } from '@archipelago/notifications-contracts';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { platformMetricsRegistry } from '@archipelago/platform-service';
import { logErrorAs, runServiceMain } from '@archipelago/platform-service-kit';
import { BROWSER_PUSH_SERVICE_HOSTS, LOOPBACK_PUSH_HOSTS } from './entity/push/push-subscription.js';
import { defaultVapidKeysDir, loadVapidKeys } from './gateway/vapid-keys.js';
import { deadDeliveriesCommand } from './handler/command/dead-deliveries.command.js';
import { IntegrationEventsMessageHandler } from './handler/messaging/integration-events.message-handler.js';
import {
  notificationsConfigSchema,
  publicBaseUrlOf,
  smtpSettingsOf,
  type NotificationsConfig,
} from './notifications.config.js';
import { NOTIFICATIONS_DOMAIN_ERRORS, NotificationsModule } from './notifications.module.js';
import { registerDeliveryMetrics } from './repository/delivery.metrics.js';
import { CONSUMED_TOPICS, NotificationsInfrastructure } from './repository/notifications.infrastructure.js';

const production = (config: NotificationsConfig): boolean => config.NODE_ENV === 'production';

/**
 * notifications/notifications entry point (commands: see `runServiceMain`).
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js`: serve HTTP (HTTP_PORT); every route needs an access token verified against
 *   identity's JWKS (AUTH_JWKS_URL). Consumes identity, commerce, scheduling and registry events (group
 *   `notifications.notifications`) into per-user notifications; publishes NotificationCreatedV1 on
 *   `notifications.notifications.notification-created.v1` through the outbox. Sends e-mail over
 *   SMTP (SMTP_URL or SMTP_HOST/SMTP_PORT/SMTP_TLS/SMTP_USER/SMTP_PASSWORD; EMAIL_POLL_MS=0: off) and serves the live stream
 *   (WebSocket upgrade of GET /notifications/v1/stream). Web push to subscribed devices with
 *   VAPID keys (VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY/VAPID_SUBJECT, required in production; generated
 *   under VAPID_KEYS_DIR or `.data/` locally; PUSH_POLL_MS=0: no push sent). Metrics
 *   `notifications_delivery_attempts_total{channel,outcome}` and `notifications_deliveries{channel,status}`.
 * - `main.js dead-deliveries list|retry [--channel email|push] [--id <id>]...`: the dead e-mail and
 *   push deliveries (maintenance configuration only; `npm run dead-deliveries`, docs/operate.md).
 */
await runServiceMain({
  configSchema: notificationsConfigSchema,
  infrastructure: NotificationsInfrastructure,
  prepare: (config) =>
    loadVapidKeys({
      production: production(config),
      publicKey: config.VAPID_PUBLIC_KEY,
      privateKey: config.VAPID_PRIVATE_KEY,
      subject: config.VAPID_SUBJECT,
      keysDir: config.VAPID_KEYS_DIR ?? (production(config) ? undefined : defaultVapidKeysDir()),
    }),
  module: (infrastructure, config, vapid) =>
    NotificationsModule.forRoot(infrastructure, authOptionsFromConfig(config), {
      stream: { pingMs: config.STREAM_PING_MS },
      email:
        config.EMAIL_POLL_MS > 0
          ? {
              smtp: smtpSettingsOf(config),
              pollMs: config.EMAIL_POLL_MS,
              policy: {
                maxAttempts: config.EMAIL_MAX_ATTEMPTS,
                initialBackoffMs: config.EMAIL_BACKOFF_MS,
                maxBackoffMs: config.EMAIL_MAX_BACKOFF_MS,
                publicBaseUrl: publicBaseUrlOf(config),
                batchSize: 20,
              },
              onError: logErrorAs('e-mail delivery round failed'),
            }
          : undefined,
      push: {
        vapid,
        allowHttpEndpoints: config.PUSH_ALLOW_HTTP_ENDPOINTS ?? !production(config),
        allowedEndpointHosts:
          config.NOTIFICATIONS_PUSH_ALLOWED_HOSTS ??
          (production(config) ? BROWSER_PUSH_SERVICE_HOSTS : [...BROWSER_PUSH_SERVICE_HOSTS, ...LOOPBACK_PUSH_HOSTS]),
        maxSubscriptionsPerUser: config.PUSH_MAX_SUBSCRIPTIONS_PER_USER,
        pollMs: config.PUSH_POLL_MS,
        policy: {
          maxAttempts: config.PUSH_MAX_ATTEMPTS,
          initialBackoffMs: config.PUSH_BACKOFF_MS,
          maxBackoffMs: config.PUSH_MAX_BACKOFF_MS,
          ttlSeconds: config.PUSH_TTL_SECONDS,
          publicBaseUrl: publicBaseUrlOf(config),
          batchSize: 20,
        },
        onError: logErrorAs('push delivery round failed'),
      },
    }),
  maintenanceCommands: {
    'dead-deliveries': (infrastructure, args) => deadDeliveriesCommand(infrastructure.deadDeliveries, args),
  },
  domainErrors: NOTIFICATIONS_DOMAIN_ERRORS,
  openapi: {
    title: 'Archipelago notifications/notifications',
    version: '1.0.0',
    description:
      "Each user's notifications, made from other systems' integration events (orders, stock, reminders, tasks, accounts, attestations, credentials), their read state and the user's preferences.",
  },
  topics: [...CONSUMED_TOPICS, NOTIFICATIONS_EVENTS.NotificationCreatedV1.topic],
  onStarted: async (app, infrastructure) => {
    registerDeliveryMetrics(platformMetricsRegistry, infrastructure);
    const events = app.get(IntegrationEventsMessageHandler);
    await infrastructure.subscribeIntegrationEvents((message) => events.handle(message));
  },
});
