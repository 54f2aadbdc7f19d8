import 'reflect-metadata';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase } from '@archipelago/testing-harness';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { REGISTRY_DOMAIN_ERRORS, RegistryModule } from '../src/registry.module.js';
import { migrateRegistry } from '../src/repository/registry.data-source.js';
import { RegistryInfrastructure } from '../src/repository/registry.infrastructure.js';

/** A registry service for a component test: its own database, a test issuer, HTTP on a free port. */
export interface RegistryTestApp {
  readonly issuer: TestIssuer;
  readonly infrastructure: RegistryInfrastructure;
  readonly app: NestFastifyApplication;
  /** `http://127.0.0.1:<port>/registry/v1` */
  readonly root: string;
  /** The database's URL (to start another app on it: `startRegistryTestApp({ url })`). */
  readonly url: string;
  /** An access token of the test issuer (15 min). */
  token(sub: string, roles: string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * Migrates a fresh database `database`, opens the registry's infrastructure on the postgres
 * transport, starts it and serves the real registry module over HTTP (as main.ts wires it).
 * Readiness checks `postgres` and `keks` (as main.ts registers them).
 * @param database a name prefix for a fresh database, or `{ url }` of one an earlier app migrated
 * @param refine the OpenAPI refinement main.ts applies, when the test reads the document
 * @param logs the pino log level (default `warn`) and where its lines go (default stdout)
 */
export async function startRegistryTestApp(
  database: string | { readonly url: string },
  refine?: (document: OpenAPIObject) => void,
  logs: { readonly level?: string; readonly destination?: { write(line: string): void } } = {},
): Promise<RegistryTestApp> {
  const issuer = await startTestIssuer();
  const url = typeof database === 'string' ? await createTestDatabase(database) : database.url;
  if (typeof database === 'string') await migrateRegistry(url, 'registry');
  const infrastructure = await RegistryInfrastructure.open({
    databaseUrl: url,
    schema: 'registry',
    transport: 'postgres',
  });
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience, jwksCooldownMs: 0 };
  const app = await createHttpApp(RegistryModule.forRoot(infrastructure, auth), {
    serviceName: 'registry',
    config: {
      SERVICE_NAME: 'registry',
      SYSTEM: 'registry',
      HOST: '127.0.0.1',
      HTTP_PORT: 0,
      LOG_LEVEL: logs.level ?? 'warn',
    },
    domainErrors: REGISTRY_DOMAIN_ERRORS,
    readinessChecks: {
      postgres: postgresReadinessCheck(infrastructure.pool),
      keks: () => infrastructure.kekAvailability.readiness(),
    },
    openapi: { title: 'registry', version: '1', ...(refine ? { refine } : {}) },
    ...(logs.destination ? { logDestination: logs.destination } : {}),
  });
  await infrastructure.start();
  await app.listen(0, '127.0.0.1');
  const root = `${await app.getUrl()}/registry/v1`.replace('[::1]', '127.0.0.1');
  return {
    issuer,
    infrastructure,
    app,
    root,
    url,
    token: (sub, roles) => issuer.issue({ sub, roles, expiresInSec: 900 }),
    close: async () => {
      await app.close();
      await issuer.close();
    },
  };
}
