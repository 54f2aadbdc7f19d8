import 'reflect-metadata';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import type { TestIssuer } from '@archipelago/testing-auth';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  NOTIFICATIONS_DOMAIN_ERRORS,
  NotificationsModule,
  type NotificationsOptions,
} from '../src/notifications.module.js';
import type { NotificationsInfrastructure } from '../src/repository/notifications.infrastructure.js';

/**
 * The real notifications module over `infrastructure` as a component test serves it: access tokens
 * from `issuer` (its JWKS, no cooldown), readiness `postgres`, log level `warn`, HTTP port 0. The
 * app is created, not initialised nor listening: the test calls `init()` or `listen(0, …)`.
 */
export function createNotificationsTestApp(
  infrastructure: NotificationsInfrastructure,
  issuer: TestIssuer,
  options: NotificationsOptions = {},
): Promise<NestFastifyApplication> {
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience, jwksCooldownMs: 0 };
  return createHttpApp(NotificationsModule.forRoot(infrastructure, auth, options), {
    serviceName: 'notifications',
    config: {
      SERVICE_NAME: 'notifications',
      SYSTEM: 'notifications',
      HOST: '127.0.0.1',
      HTTP_PORT: 0,
      LOG_LEVEL: 'warn',
    },
    domainErrors: NOTIFICATIONS_DOMAIN_ERRORS,
    readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
    openapi: { title: 'notifications', version: '1' },
  });
}
