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

/**
 * E-mail options of a component test: plain SMTP to 127.0.0.1:`smtpPort`, no polling (the test runs
 * each round with `DeliverEmailsCommand`), 2 attempts without backoff (dead after the 2nd round),
 * links to http://localhost:8000.
 */
export function testEmailOptions(smtpPort: number): NonNullable<NotificationsOptions['email']> {
  return {
    smtp: { host: '127.0.0.1', port: smtpPort, tls: 'none', from: 'Archipelago <notifications@archipelago.local>' },
    pollMs: 3_600_000, // rounds are run by the test
    policy: {
      maxAttempts: 2,
      initialBackoffMs: 0,
      maxBackoffMs: 0,
      publicBaseUrl: 'http://localhost:8000',
      batchSize: 20,
    },
  };
}
