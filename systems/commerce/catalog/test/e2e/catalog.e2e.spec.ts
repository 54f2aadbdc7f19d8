import { freePort } from '@archipelago/platform-local-postgres';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import {
  createTestDatabase,
  kafkaBrokers,
  startWorkspaceProcess,
  startTestEdge,
  type RunningProcess,
  type TestEdge,
} from '@archipelago/testing-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// End to end: the compiled catalog service and the edge as real processes, Postgres and Kafka for
// real; every request goes through the edge as a client would send it (security tests also go to
// the service directly: it verifies tokens again, zero trust). A test issuer stands in for identity
// (its JWKS, and its upstream behind the edge). At the edge the two catalog reads are public
// (anonymous browse, limited per client IP) and writes need a token; the service checks again.
let catalog: RunningProcess;
let edge: TestEdge;
let edgeUrl: string;
let serviceUrl: string;
let env: Record<string, string>;
let issuer: TestIssuer;
let admin: string;
let customer: string;
const ADMIN = { sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f', roles: ['admin'], email: 'admin@archipelago.local' };
const CUSTOMER = { sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f', roles: ['customer'], email: 'ann@example.com' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (path: string, init?: RequestInit) => fetch(`${edgeUrl}${path}`, init) as Promise<JsonResponse>;
const direct = (path: string, init?: RequestInit) => fetch(`${serviceUrl}${path}`, init) as Promise<JsonResponse>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** A JSON POST through the edge, as the admin unless other headers are given. */
const post = (path: string, body: unknown, headers: Record<string, string> = bearer(admin)) =>
  http(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const product = (sku: string) => ({ sku, name: `Product ${sku}`, price: { amount: 500, currency: 'USD' }, initialStock: 2 });

beforeAll(async () => {
  issuer = await startTestIssuer();
  // 15 min, the longest lifetime identity issues (the edge refuses longer ones); the file takes far less.
  admin = await issuer.issue({ ...ADMIN, expiresInSec: 900 });
  customer = await issuer.issue({ ...CUSTOMER, expiresInSec: 900 });
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
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    // A new kid is looked up at once (the rotation test); services default to 30 s.
    AUTH_JWKS_COOLDOWN_MS: '0',
  };
  await startWorkspaceProcess({ name: 'catalog migrate', entry: 'systems/commerce/catalog/src/main.ts', args: ['migrate'], env });
  catalog = await startWorkspaceProcess({
    name: 'catalog',
    entry: 'systems/commerce/catalog/src/main.ts',
    env,
    readyUrl: `http://127.0.0.1:${httpPort}/health/ready`,
  });
  serviceUrl = `http://127.0.0.1:${httpPort}`;
  edgeUrl = `http://127.0.0.1:${edgePort}`;
  // The edge is healthy only when every upstream of kong.yml answers: the test issuer (which
  // serves /health/ready) stands in for the services this test does not start.
  edge = await startTestEdge({
    port: edgePort,
    upstreams: { 'catalog.commerce:8080': serviceUrl },
    standIn: issuer.url,
    jwksUrl: issuer.jwksUrl,
  });
});

afterAll(async () => {
  await edge?.stop();
  await catalog?.stop();
  await issuer?.close();
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

    const read = await http(`/commerce/v1/products/${product.id}`, { headers: bearer(customer) });
    expect(await read.json()).toEqual(product);

    const adjusted = await post(`/commerce/v1/products/${product.id}/stock-adjustments`, { delta: -3, reason: 'sold' });
    expect((await adjusted.json()).available).toBe(0);
    const oversold = await post(`/commerce/v1/products/${product.id}/stock-adjustments`, { delta: -1, reason: 'sold' });
    expect(oversold.status).toBe(409);
    expect(oversold.headers.get('content-type')).toContain('application/problem+json');

    let listed = false;
    for (let i = 0; i < 100 && !listed; i++) {
      const page = await (await http('/commerce/v1/products?limit=50', { headers: bearer(customer) })).json();
      listed = page.items.some((p: { id: string; available: number }) => p.id === product.id && p.available === 0);
      if (!listed) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).toBe(true);
  });

  it('lets an anonymous visitor browse the catalog (list and one product), limited per client IP, and nothing else', async () => {
    const created = await post('/commerce/v1/products', product('E2E-BROWSE'));
    expect(created.status).toBe(201);
    const { id } = await created.json();
    const list = await http('/commerce/v1/products?limit=100');
    expect(list.status).toBe(200);
    // The anonymous limit of kong.yml's global rate-limiting plugin (per IP), not the per-user one.
    expect(list.headers.get('ratelimit-limit')).toBe('3000');
    expect(Array.isArray((await list.json()).items)).toBe(true);
    const one = await http(`/commerce/v1/products/${id}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id, sku: 'E2E-BROWSE', available: 2 });
    // HEAD is not among the public route's methods: 405 naming what the path takes.
    const head = await http(`/commerce/v1/products/${id}`, { method: 'HEAD' });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toContain('GET');
    // Writes still need a token at the edge, and deeper paths are not public.
    expect((await post('/commerce/v1/products', product('E2E-ANON-2'), {})).status).toBe(401);
    expect((await post(`/commerce/v1/products/${id}/stock-adjustments`, { delta: 1, reason: 'x' }, {})).status).toBe(401);
    expect((await http(`/commerce/v1/products/${id}/stock-adjustments`)).status).toBe(405);
    // Other commerce routes still need a token.
    expect((await http('/commerce/v1/orders')).status).toBe(401);
    expect((await http('/commerce/v1/wallet')).status).toBe(401);
  });

  it('passes the caller request id through to the service and back', async () => {
    const res = await http('/commerce/v1/products?limit=1', { headers: { 'x-request-id': 'e2e-request-0001', ...bearer(customer) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('e2e-request-0001');
  });

  it('answers 400 problem+json for a malformed body and 404 for an unknown route', async () => {
    const bad = await http('/commerce/v1/products', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(admin) },
      body: '{"sku":',
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).type).toContain('malformed-body');
    const unknown = await http('/nothing/here');
    expect(unknown.status).toBe(404);
  });

  it('refuses writes without a valid admin token, at the edge and again in the service; the service keeps reads public', async () => {
    const postDirect = (path: string, body: unknown, headers: Record<string, string>) =>
      direct(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post('/commerce/v1/products', product('E2E-ANON'), {})).status).toBe(401);
    const anonymous = await postDirect('/commerce/v1/products', product('E2E-ANON'), {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="archipelago"');
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const bad = {
      expired: await issuer.bad.expired(ADMIN),
      tampered: await issuer.bad.tampered(CUSTOMER),
      wrongKey: await issuer.bad.wrongKey(ADMIN),
      algNone: await issuer.bad.algNone(ADMIN),
      hs256WithPublicKey: await issuer.bad.hs256WithPublicKey(ADMIN),
    };
    for (const [name, token] of Object.entries(bad)) {
      const viaEdge = await post('/commerce/v1/products', product('E2E-BAD'), bearer(token));
      expect([name, viaEdge.status]).toEqual([name, 401]);
      const res = await postDirect('/commerce/v1/products', product('E2E-BAD'), bearer(token));
      expect([name, res.status]).toEqual([name, 401]);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    expect((await post('/commerce/v1/products', product('E2E-CUST'), bearer(customer))).status).toBe(403);
    expect((await postDirect('/commerce/v1/products', product('E2E-CUST'), bearer(customer))).status).toBe(403);
    const created = await post('/commerce/v1/products', product('E2E-ADMIN'));
    expect(created.status).toBe(201);
    const { id } = await created.json();
    const adjust = await post(`/commerce/v1/products/${id}/stock-adjustments`, { delta: 1, reason: 'x' }, bearer(customer));
    expect(adjust.status).toBe(403);
    const read = await direct(`/commerce/v1/products/${id}`);
    expect(read.status).toBe(200);
    expect((await read.json()).available).toBe(2);
    expect((await direct('/commerce/v1/products?limit=1')).status).toBe(200);
  });

  it('survives a signing key rotation in the service: old tokens still pass, a new kid is fetched', async () => {
    // Straight to the service: how fast the edge picks up a new key is the edge's own business.
    const create = (sku: string, token: string) =>
      direct('/commerce/v1/products', { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: JSON.stringify(product(sku)) });
    const before = await issuer.issue(ADMIN);
    expect((await create('E2E-ROT-1', before)).status).toBe(201);
    const fetches = issuer.jwksRequests;
    await issuer.rotate();
    expect((await create('E2E-ROT-2', await issuer.issue(ADMIN))).status).toBe(201);
    expect(issuer.jwksRequests).toBeGreaterThan(fetches);
    expect((await create('E2E-ROT-3', before)).status).toBe(201);
  });

  it('reports the platform healthy at the edge, and unhealthy once the service is gone', async () => {
    expect((await http('/health')).status).toBe(200);
    await catalog.stop();
    // The public /health answers from the edge's background probe (every 2 s), never probing per request.
    await expect.poll(async () => (await http('/health')).status, { timeout: 10_000, interval: 250 }).toBe(503);
  });
});
