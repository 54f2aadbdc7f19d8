import { freePort } from '@archipelago/platform-local-postgres';
import { createTestDatabase, kafkaBrokers, startWorkspaceProcess, type RunningProcess } from '@archipelago/testing-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// End to end: the compiled catalog service and the edge as real processes, Postgres and Kafka for
// real; every request goes through the edge as a client would send it.
let catalog: RunningProcess;
let edge: RunningProcess;
let edgeUrl: string;
let env: Record<string, string>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (path: string, init?: RequestInit) => fetch(`${edgeUrl}${path}`, init) as Promise<JsonResponse>;
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  http(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

beforeAll(async () => {
  const databaseUrl = await createTestDatabase('commerce_e2e');
  const [httpPort, grpcPort, edgePort] = await Promise.all([freePort(), freePort(), freePort()]);
  env = {
    SERVICE_NAME: 'catalog',
    SYSTEM: 'commerce',
    HTTP_PORT: String(httpPort),
    GRPC_PORT: String(grpcPort),
    DATABASE_URL: databaseUrl,
    DB_SCHEMA: 'catalog',
    MESSAGING_TRANSPORT: 'kafka',
    KAFKA_BROKERS: kafkaBrokers(),
    LOG_LEVEL: 'warn',
  };
  await startWorkspaceProcess({ name: 'catalog migrate', entry: 'systems/commerce/catalog/src/main.ts', args: ['migrate'], env });
  catalog = await startWorkspaceProcess({
    name: 'catalog',
    entry: 'systems/commerce/catalog/src/main.ts',
    env,
    readyUrl: `http://127.0.0.1:${httpPort}/health/ready`,
  });
  edgeUrl = `http://127.0.0.1:${edgePort}`;
  edge = await startWorkspaceProcess({
    name: 'edge',
    entry: 'apps/edge/src/main.ts',
    env: {
      EDGE_PORT: String(edgePort),
      EDGE_UPSTREAMS: JSON.stringify({ 'catalog.commerce:8080': `http://127.0.0.1:${httpPort}` }),
      LOG_LEVEL: 'warn',
    },
    readyUrl: `${edgeUrl}/health`,
  });
});

afterAll(async () => {
  await edge?.stop();
  await catalog?.stop();
});

describe('catalog through the edge', () => {
  it('creates, reads, adjusts and lists a product, with a request id on every answer', async () => {
    const created = await post('/commerce/v1/products', {
      sku: 'E2E-1',
      name: 'Espresso machine',
      price: { amount: 19900, currency: 'USD' },
      initialStock: 3,
    });
    expect(created.status).toBe(201);
    const product = await created.json();
    expect(created.headers.get('location')).toBe(`/commerce/v1/products/${product.id}`);
    expect(created.headers.get('x-request-id')).toBeTruthy();

    const read = await http(`/commerce/v1/products/${product.id}`);
    expect(await read.json()).toEqual(product);

    const adjusted = await post(`/commerce/v1/products/${product.id}/stock-adjustments`, { delta: -3, reason: 'sold' });
    expect((await adjusted.json()).available).toBe(0);
    const oversold = await post(`/commerce/v1/products/${product.id}/stock-adjustments`, { delta: -1, reason: 'sold' });
    expect(oversold.status).toBe(409);
    expect(oversold.headers.get('content-type')).toContain('application/problem+json');

    let listed = false;
    for (let i = 0; i < 100 && !listed; i++) {
      const page = await (await http('/commerce/v1/products?limit=50')).json();
      listed = page.items.some((p: { id: string; available: number }) => p.id === product.id && p.available === 0);
      if (!listed) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).toBe(true);
  });

  it('passes the caller request id through to the service and back', async () => {
    const res = await http('/commerce/v1/products?limit=1', { headers: { 'x-request-id': 'e2e-request-0001' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('e2e-request-0001');
  });

  it('answers 400 problem+json for a malformed body and 404 for an unknown route', async () => {
    const bad = await http('/commerce/v1/products', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).type).toContain('malformed-body');
    const unknown = await http('/nothing/here');
    expect(unknown.status).toBe(404);
  });

  it('reports the platform healthy at the edge, and unhealthy once the service is gone', async () => {
    expect((await http('/health')).status).toBe(200);
    await catalog.stop();
    const res = await http('/health');
    expect(res.status).toBe(503);
  });
});
