import { createTestDatabase } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureApp } from '../test/create-fixture-app.js';
import { startHttpApp } from './create-http-app.js';
import { postgresReadinessCheck, ReadinessRegistry } from './health/readiness.registry.js';

// Over a real socket, with a real Postgres behind the readiness check.

let app: NestFastifyApplication;
let pool: pg.Pool;
let url: string;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await createTestDatabase('platform_service'), max: 2 });
  ({ app } = await createFixtureApp({ postgres: postgresReadinessCheck(pool) }));
  url = await startHttpApp(app, { SERVICE_NAME: 'catalog', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'info' });
});
afterAll(async () => {
  await app?.close();
  await pool?.end().catch(() => undefined);
});

describe('a service listening on a real port', () => {
  it('reports its URL with the real port', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);
  });

  it('serves problems, ids and docs over HTTP', async () => {
    const res = await fetch(`${url}/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'int-1' },
      body: '{"name":',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('x-request-id')).toBe('int-1');
    const doc = (await (await fetch(`${url}/docs/openapi.json`)).json()) as { openapi: string };
    expect(doc.openapi).toBe('3.1.0');
  });

  it('is ready while Postgres answers, and not once it is gone', async () => {
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    app
      .get(ReadinessRegistry)
      .register('postgres', postgresReadinessCheck({ query: () => Promise.reject(new Error('connection refused')) }));
    const res = await fetch(`${url}/health/ready`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { checks: Record<string, { status: string }> }).checks.postgres?.status).toBe('down');
  });
});
