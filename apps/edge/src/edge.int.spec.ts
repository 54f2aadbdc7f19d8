import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdge } from './edge.server.js';
import { parseKongConfig } from './kong-config.loader.js';
import { parseUpstreamMap } from './upstream-target.js';

// Real sockets only: a node:http upstream and the edge, both on free ports of 127.0.0.1.

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Upstream {
  server: Server;
  port: number;
  seen: Seen[];
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function startUpstream(): Promise<Upstream> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      if (req.url === '/health/ready') return void res.writeHead(200).end('ok');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url?.startsWith('/slow')) return; // never answers: the edge's read timeout fires
      if (req.url?.endsWith('/invalid')) {
        res.writeHead(422, { 'content-type': 'application/problem+json' });
        return void res.end(JSON.stringify({ type: 'about:blank', title: 'Unprocessable', status: 422, detail: 'bad sku' }));
      }
      res.writeHead(201, { 'content-type': 'application/json', location: '/commerce/v1/products/p-1', 'x-upstream': 'yes' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  return { server, port: await listen(server), seen };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string; chunked?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined && !options.chunked) headers['content-length'] = Buffer.byteLength(options.body);
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (options.body !== undefined && options.chunked) {
      // Two writes without Content-Length: Node sends Transfer-Encoding: chunked.
      const half = Math.floor(options.body.length / 2);
      req.write(options.body.slice(0, half));
      req.write(options.body.slice(half));
    } else if (options.body !== undefined) {
      req.write(options.body);
    }
    req.end();
  });
}

// Sends the headers with `Expect: 100-continue` and the body only once `100 Continue` arrives.
function sendExpectingContinue(port: number, path: string, body: string): Promise<Answer & { continued: boolean }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
    });
    req.on('continue', () => {
      continued = true;
      req.end(body);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString(), continued }),
      );
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

const KONG_YML = `
_format_version: "3.0"
services:
  - name: catalog
    url: http://catalog.commerce:8080
    read_timeout: 300
    routes:
      - name: products
        paths: [/commerce/v1/products]
        methods: [GET, POST, OPTIONS]
        strip_path: false
      - name: slow
        paths: [/slow]
        strip_path: false
  - name: stripped
    url: http://stripped.commerce:8080/api
    routes:
      - name: edge-prefixed
        paths: [/edge]
        strip_path: true
        preserve_host: true
        plugins:
          - name: cors
            config: { origins: ["https://app.example.com", "https://admin.example.com"], credentials: true, exposed_headers: [X-Upstream] }
          - name: request-size-limiting
            config: { allowed_payload_size: 10, size_unit: bytes }
  - name: dead
    url: http://dead.commerce:8080
    routes:
      - name: dead
        paths: [/dead]
plugins:
  - name: correlation-id
    config: { header_name: X-Request-Id, generator: uuid, echo_downstream: true }
  - name: request-size-limiting
    config: { allowed_payload_size: 1, size_unit: kilobytes }
  - name: cors
    config:
      origins: ["*"]
      methods: [GET, POST, OPTIONS]
      headers: [Authorization, Content-Type, Idempotency-Key, X-Request-Id]
      exposed_headers: [Location, X-Request-Id]
      max_age: 3600
`;

const NO_ROUTE = { message: 'no Route matched with those values' };

describe('edge (real sockets)', () => {
  let upstream: Upstream;
  let edge: FastifyInstance;
  let port: number;

  const lastSeen = () => upstream.seen.at(-1)!;

  beforeAll(async () => {
    upstream = await startUpstream();
    const dead = await closedPort();
    const base = `http://127.0.0.1:${upstream.port}`;
    edge = await createEdge({
      config: parseKongConfig(KONG_YML, 'edge.int.spec kong.yml'),
      upstreams: parseUpstreamMap(
        JSON.stringify({ 'catalog.commerce:8080': base, 'stripped.commerce:8080': base, 'dead.commerce:8080': `http://127.0.0.1:${dead}` }),
      ),
    });
    await edge.listen({ host: '127.0.0.1', port: 0 });
    port = (edge.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await edge?.close();
    upstream?.server.closeAllConnections();
    await new Promise((resolve) => upstream?.server.close(resolve));
  });

  it('proxies a request unchanged: path, query, Authorization; status, Location and body back', async () => {
    const answer = await send(port, 'GET', '/commerce/v1/products/p-1?expand=stock', { headers: { authorization: 'Bearer abc' } });
    expect(answer.status).toBe(201);
    expect(answer.headers.location).toBe('/commerce/v1/products/p-1');
    expect(answer.headers['x-upstream']).toBe('yes');
    expect(JSON.parse(answer.body)).toEqual({ ok: true });
    const seen = lastSeen();
    expect(seen.url).toBe('/commerce/v1/products/p-1?expand=stock');
    expect(seen.headers.authorization).toBe('Bearer abc');
    expect(seen.headers.host).toBe('catalog.commerce:8080');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-host']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-prefix']).toBeUndefined();
  });

  it('passes problem+json error bodies through untouched', async () => {
    const answer = await send(port, 'POST', '/commerce/v1/products/invalid', {
      headers: { 'content-type': 'application/json' },
      body: '{"sku":""}',
    });
    expect(answer.status).toBe(422);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 422, detail: 'bad sku' });
    expect(lastSeen().body).toBe('{"sku":""}');
  });

  it('strips the matched prefix, prepends the service path, sets X-Forwarded-Prefix and keeps Host', async () => {
    const answer = await send(port, 'GET', '/edge/items/7', { headers: { host: 'shop.example.com:8000' } });
    expect(answer.status).toBe(201);
    expect(lastSeen().url).toBe('/api/items/7');
    expect(lastSeen().headers['x-forwarded-prefix']).toBe('/edge');
    expect(lastSeen().headers.host).toBe('shop.example.com:8000');
  });

  it("answers Kong's 404 when no route has the path", async () => {
    const answer = await send(port, 'GET', '/identity/v1/users');
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toEqual(NO_ROUTE);
  });

  it('answers 405 with Allow when routes have the path but not the method (Kong: 404)', async () => {
    const before = upstream.seen.length;
    const answer = await send(port, 'DELETE', '/commerce/v1/products/p-1');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, OPTIONS, POST');
    expect(JSON.parse(answer.body)).toEqual({ message: 'Method not allowed' });
    expect(upstream.seen.length).toBe(before);
  });

  it('answers 413 to an oversized body sent with Expect: 100-continue, without asking for the body', async () => {
    const big = await sendExpectingContinue(port, '/commerce/v1/products', 'x'.repeat(2048));
    expect(big).toMatchObject({ status: 413, continued: false });
    expect(JSON.parse(big.body)).toEqual({ message: 'Request size limit exceeded' });
    const small = await sendExpectingContinue(port, '/commerce/v1/products', '{"name":"expect"}');
    expect(small).toMatchObject({ status: 201, continued: true });
    expect(lastSeen().body).toBe('{"name":"expect"}');
  });

  it('answers 413 for a body over the limit, by Content-Length or by counting a chunked body', async () => {
    const before = upstream.seen.length;
    const big = 'x'.repeat(2048);
    const declared = await send(port, 'POST', '/commerce/v1/products', { body: big });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toEqual({ message: 'Request size limit exceeded' });
    const chunked = await send(port, 'POST', '/commerce/v1/products', { body: big, chunked: true });
    expect(chunked.status).toBe(413);
    expect(upstream.seen.length).toBe(before);
  });

  it('forwards a chunked body under the limit, and applies the route-level limit over the global one', async () => {
    const small = await send(port, 'POST', '/commerce/v1/products', { body: '{"name":"chunked"}', chunked: true });
    expect(small.status).toBe(201);
    expect(lastSeen().body).toBe('{"name":"chunked"}');
    // 18 bytes: fine globally (1 KiB) but over the 10 bytes set on the edge-prefixed route.
    const routeLimited = await send(port, 'POST', '/edge/items', { body: '{"name":"chunked"}' });
    expect(routeLimited.status).toBe(413);
  });

  it('answers a CORS preflight at the edge with the configured headers', async () => {
    const before = upstream.seen.length;
    const answer = await send(port, 'OPTIONS', '/commerce/v1/products', {
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(answer.headers['access-control-allow-methods']).toBe('GET,POST,OPTIONS');
    expect(answer.headers['access-control-allow-headers']).toBe('Authorization,Content-Type,Idempotency-Key,X-Request-Id');
    expect(answer.headers['access-control-max-age']).toBe('3600');
    expect(upstream.seen.length).toBe(before);
  });

  it('adds CORS headers to proxied responses, with route-level cors taking precedence', async () => {
    const global = await send(port, 'GET', '/commerce/v1/products', { headers: { origin: 'http://localhost:5173' } });
    expect(global.headers['access-control-allow-origin']).toBe('*');
    expect(global.headers['access-control-expose-headers']).toBe('Location,X-Request-Id');

    const route = await send(port, 'GET', '/edge/items', { headers: { origin: 'https://app.example.com' } });
    expect(route.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(route.headers['access-control-allow-credentials']).toBe('true');
    expect(route.headers['access-control-expose-headers']).toBe('X-Upstream');

    const stranger = await send(port, 'GET', '/edge/items', { headers: { origin: 'https://evil.example.net' } });
    expect(stranger.status).toBe(201);
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('generates a correlation id, forwards it upstream and echoes it; keeps a client-supplied one', async () => {
    const generated = await send(port, 'GET', '/commerce/v1/products');
    const id = generated.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(lastSeen().headers['x-request-id']).toBe(id);

    const supplied = await send(port, 'GET', '/commerce/v1/products', { headers: { 'x-request-id': 'client-id-1' } });
    expect(supplied.headers['x-request-id']).toBe('client-id-1');
    expect(lastSeen().headers['x-request-id']).toBe('client-id-1');

    // Edge-made answers carry it too.
    const rejected = await send(port, 'POST', '/commerce/v1/products', { body: 'x'.repeat(2048), headers: { 'x-request-id': 'big-1' } });
    expect(rejected.headers['x-request-id']).toBe('big-1');
  });

  it("answers Kong's 502 when the upstream refuses the connection", async () => {
    const answer = await send(port, 'GET', '/dead/anything');
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toEqual({ message: 'An invalid response was received from the upstream server' });
  });

  it("answers Kong's 504 when the upstream does not answer within read_timeout", async () => {
    const answer = await send(port, 'GET', '/slow/report');
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.body)).toEqual({ message: 'The upstream server is timing out' });
  });

  it('GET /health reports 503 and which service is down when one upstream is unreachable', async () => {
    const answer = await send(port, 'GET', '/health');
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 'unavailable',
      services: { catalog: 'up', stripped: 'up', dead: 'down' },
    });
  });
});

describe('edge status port (Kong Status API stand-in)', () => {
  const STATUS_YML = `
_format_version: "3.0"
services:
  - name: catalog
    url: http://catalog.commerce:8080
    routes:
      - paths: [/c]
plugins:
  - name: prometheus
    config:
      status_code_metrics: true
      latency_metrics: true
`;
  let probes = 0;
  let ready = true;
  let upstream: Server;
  let edge: Awaited<ReturnType<typeof createEdge>>;
  let publicPort: number;
  let statusPort: number;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      if (req.url === '/health/ready') {
        probes++;
        return void res.writeHead(ready ? 200 : 503).end();
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const upstreamPort = await listen(upstream);
    edge = await createEdge({
      config: parseKongConfig(STATUS_YML, 'status kong.yml'),
      upstreams: parseUpstreamMap(JSON.stringify({ 'catalog.commerce:8080': `http://127.0.0.1:${upstreamPort}` })),
      // Long enough that no background probe runs during the test.
      healthIntervalMs: 600_000,
    });
    await edge.status.listen({ host: '127.0.0.1', port: 0 });
    await edge.listen({ host: '127.0.0.1', port: 0 });
    publicPort = (edge.server.address() as AddressInfo).port;
    statusPort = (edge.status.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await edge?.close();
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('the public port does not serve /metrics: it is routed like any other path (no route → 404)', async () => {
    await send(publicPort, 'GET', '/c/x');
    const answer = await send(publicPort, 'GET', '/metrics');
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toEqual(NO_ROUTE);
    expect(answer.body).not.toContain('kong_http_requests_total');
  });

  it('the status port serves /metrics with the per-route counters and /health', async () => {
    await send(publicPort, 'GET', '/c/y');
    const metrics = await send(statusPort, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(/kong_http_requests_total\{service="catalog",route="catalog\.routes\[0\]",workspace="default",code="200",source="service",consumer=""\} [1-9]/);
    const health = await send(statusPort, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', services: { catalog: 'up' } });
    // Nothing the status server serves is proxied or routed: an unknown path is its own 404.
    expect((await send(statusPort, 'GET', '/c/y')).status).toBe(404);
  });

  it('public /health answers from the cached state, never calling an upstream per request', async () => {
    const before = probes;
    const answers = await Promise.all(Array.from({ length: 20 }, () => send(publicPort, 'GET', '/health')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(answers[0]!.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(answers[0]!.body)).toEqual({ status: 'ok', services: { catalog: 'up' }, checkedAt: expect.any(String) });
    expect(probes).toBe(before);

    // The upstream goes down: the public state changes only after a probe (here the status port's).
    ready = false;
    expect((await send(publicPort, 'GET', '/health')).status).toBe(200);
    expect(probes).toBe(before);
    const live = await send(statusPort, 'GET', '/health');
    expect(live.status).toBe(503);
    expect(probes).toBe(before + 1);
    const cached = await send(publicPort, 'GET', '/health');
    expect(cached.status).toBe(503);
    expect(JSON.parse(cached.body)).toMatchObject({ status: 'unavailable', services: { catalog: 'down' } });
    ready = true;
  });

  it('refreshes the cached state in the background', async () => {
    const fast = await createEdge({
      config: parseKongConfig(STATUS_YML, 'status kong.yml'),
      upstreams: parseUpstreamMap(JSON.stringify({ 'catalog.commerce:8080': `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` })),
      healthIntervalMs: 100,
    });
    try {
      ready = false;
      await fast.listen({ host: '127.0.0.1', port: 0 });
      const fastPort = (fast.server.address() as AddressInfo).port;
      // The first probe ran before the server was ready.
      expect((await send(fastPort, 'GET', '/health')).status).toBe(503);
      ready = true;
      await expect.poll(async () => (await send(fastPort, 'GET', '/health')).status, { timeout: 5000, interval: 50 }).toBe(200);
    } finally {
      await fast.close();
    }
  });
});
