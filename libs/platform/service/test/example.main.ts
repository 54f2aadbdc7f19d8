// What a service's main.ts looks like (type-checked here so the snippet in the docs cannot rot).
import { baseServiceConfigSchema, configOrExit, envEnum } from '@archipelago/platform-config';
import { createHttpApp, postgresReadinessCheck, startHttpApp } from '../src/index.js'; // a service imports '@archipelago/platform-service'
import pg from 'pg';
import { FixtureModule } from './fixture.module.js';

export async function main(): Promise<void> {
  const config = configOrExit(baseServiceConfigSchema.extend({ COMMERCE_CURRENCY: envEnum(['EUR', 'USD']) }));
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL });
  const app = await createHttpApp(FixtureModule, {
    serviceName: config.SERVICE_NAME,
    config,
    domainErrors: { 'PRODUCT.NOT_FOUND': 404, 'PRODUCT.INSUFFICIENT_STOCK': 409 },
    readinessChecks: { postgres: postgresReadinessCheck(pool) },
    openapi: {
      title: 'Catalog API',
      version: '1.0.0',
      description: 'Products and stock.',
      tags: [{ name: 'products' }],
    },
  });
  await startHttpApp(app, config);
}
