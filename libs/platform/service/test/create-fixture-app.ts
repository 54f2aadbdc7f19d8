import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from '../src/create-http-app.js';
import type { ReadinessCheck } from '../src/health/readiness.registry.js';
import { FixtureModule } from './fixture.module.js';

/** A log line as pino writes it. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: string; requestId?: string };

/** Builds the fixture app with its pino output captured in `logs`. */
export async function createFixtureApp(
  readinessChecks: Record<string, ReadinessCheck> = {},
): Promise<{ app: NestFastifyApplication; logs: LogLine[] }> {
  const logs: LogLine[] = [];
  const app = await createHttpApp(FixtureModule, {
    serviceName: 'catalog',
    config: { SERVICE_NAME: 'catalog', SYSTEM: 'commerce', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'info' },
    domainErrors: { 'PRODUCT.NOT_FOUND': 404 },
    readinessChecks,
    logDestination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
    openapi: { title: 'Catalog', version: '1.0.0', description: 'Products and stock.', tags: [{ name: 'products' }] },
  });
  return { app, logs };
}
