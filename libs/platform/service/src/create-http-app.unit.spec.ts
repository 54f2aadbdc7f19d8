import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureApp, type LogLine } from '../test/create-fixture-app.js';
import { MISSING_ID } from '../test/fixture.controller.js';
import { ReadinessRegistry } from './health/readiness.registry.js';

// The whole platform through fastify's inject (no socket): what a client of any service sees.

let app: NestFastifyApplication;
let logs: LogLine[];
let relayConnected = false;

beforeAll(async () => {
  ({ app, logs } = await createFixtureApp({ relay: () => relayConnected }));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
});
afterAll(() => app.close());

const validBody = { name: 'Tea', price: { amount: 3.5, currency: 'EUR' } };

function post(payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/products', payload: payload as object, headers });
}

describe('problem+json errors', () => {
  it('answers a zod-invalid body with 400 and one error per bad field', async () => {
    const res = await post({ name: '', price: { amount: -1, currency: 'EURO' }, colour: 'red' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem).toMatchObject({
      type: 'https://archipelago.dev/problems/validation-failed',
      title: 'Request validation failed',
      status: 400,
      instance: '/products',
      requestId: res.headers['x-request-id'],
    });
    expect(problem.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/colour',
      '/name',
      '/price/amount',
      '/price/currency',
    ]);
    for (const error of problem.errors) expect(error.detail).toEqual(expect.any(String));
  });

  it('answers invalid query and path parameters with 400 naming the parameter', async () => {
    const query = await app.inject({ method: 'GET', url: '/products?limit=1000' });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors).toEqual([{ parameter: 'limit', detail: expect.any(String) }]);
    const path = await app.inject({ method: 'GET', url: '/products/not-a-uuid' });
    expect(path.statusCode).toBe(400);
    expect(path.json().errors).toEqual([{ parameter: 'id', detail: expect.any(String) }]);
    // Longer than fastify's default maxParamLength (100): still the route's 400, not a bare 414.
    const long = await app.inject({ method: 'GET', url: `/products/${'0'.repeat(300)}` });
    expect(long.statusCode).toBe(400);
    expect(long.json().errors).toEqual([{ parameter: 'id', detail: expect.any(String) }]);
  });

  it('applies zod defaults and coercion to valid input', async () => {
    const res = await app.inject({ method: 'GET', url: '/products?limit=5' });
    expect(res.json()).toEqual({ limit: 5 });
    const created = await post(validBody);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ ...validBody, tags: [] });
  });

  it('validates with an explicit pipe instance too', async () => {
    const bad = await app.inject({ method: 'POST', url: '/products/import', payload: { skus: [] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ pointer: '/skus', detail: expect.any(String) }]);
    const good = await app.inject({ method: 'POST', url: '/products/import', payload: { skus: ['a', 'b'] } });
    expect(good.json()).toEqual({ accepted: 2 });
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await post('{"name": "Tea",', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: 'https://archipelago.dev/problems/malformed-body', status: 400 });
  });

  it('reads an RFC 7396 merge patch (application/merge-patch+json) as JSON, with the same protections', async () => {
    const mergePatch = { 'content-type': 'application/merge-patch+json' };
    const good = await app.inject({
      method: 'POST',
      url: '/products/import',
      payload: '{"skus":["a"]}',
      headers: mergePatch,
    });
    expect(good.statusCode).toBe(202);
    expect(good.json()).toEqual({ accepted: 1 });
    const malformed = await app.inject({
      method: 'POST',
      url: '/products/import',
      payload: '{"skus":',
      headers: mergePatch,
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ type: 'https://archipelago.dev/problems/malformed-body', status: 400 });
    const poisoned = await app.inject({
      method: 'POST',
      url: '/products/import',
      payload: '{"skus":["a"],"__proto__":{"admin":true}}',
      headers: mergePatch,
    });
    expect(poisoned.statusCode).toBe(400);
  });

  it('answers an unsupported media type with 415', async () => {
    const res = await post('name=Tea', { 'content-type': 'text/csv' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ type: 'https://archipelago.dev/problems/unsupported-media-type', status: 415 });
  });

  it('answers a body over 1 MiB with 413', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(1_100_000) }), { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ type: 'https://archipelago.dev/problems/payload-too-large', status: 413 });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404, instance: '/nowhere' });
  });

  it('answers a NUL or an unpaired surrogate anywhere in the body with 400 naming the member', async () => {
    // JSON.stringify would escape them the same way; written out to show what travels.
    const nul = await post('{"name":"A\\u0000B","price":{"amount":1,"currency":"EUR"}}', {
      'content-type': 'application/json',
    });
    expect(nul.statusCode).toBe(400);
    expect(nul.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(nul.json()).toMatchObject({
      type: 'https://archipelago.dev/problems/validation-failed',
      errors: [{ pointer: '/name', detail: 'must not contain the NUL character (U+0000)' }],
    });
    const surrogate = await post('{"name":"Tea","price":{"amount":1,"currency":"EUR"},"tags":["ok","\\ud800"]}', {
      'content-type': 'application/json',
    });
    expect(surrogate.statusCode).toBe(400);
    expect(surrogate.json().errors).toEqual([
      { pointer: '/tags/1', detail: 'must be well-formed Unicode (unpaired surrogate)' },
    ]);
    // Also in a body the handler would not look at, and in an object key.
    const key = await app.inject({ method: 'POST', url: '/products/import', payload: { skus: ['a'], 'x\u0000': 1 } });
    expect(key.statusCode).toBe(400);
    expect(key.json().errors).toEqual([{ pointer: '/x\\u0000', detail: expect.stringContaining('NUL') }]);
  });

  it('answers a NUL in a query or path parameter with 400 naming the parameter', async () => {
    const query = await app.inject({ method: 'GET', url: '/products?limit=5&q=a%00b' });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors).toEqual([{ parameter: 'q', detail: expect.stringContaining('NUL') }]);
    const path = await app.inject({ method: 'GET', url: '/products/a%00b' });
    expect(path.statusCode).toBe(400);
    expect(path.json().errors).toEqual([{ parameter: 'id', detail: expect.stringContaining('NUL') }]);
  });

  it('answers a method a known path does not support with 405 and Allow, before reading the body', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/products' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      instance: '/products',
    });
    // A method with body semantics and no Content-Type is still a 405, not a body error.
    const query = await app.inject({ method: 'QUERY' as 'GET', url: `/products/${MISSING_ID}` });
    expect(query.statusCode).toBe(405);
    expect(query.headers.allow).toBe('GET, HEAD');
    const unknown = await app.inject({ method: 'DELETE', url: '/nowhere' });
    expect(unknown.statusCode).toBe(404);
  });

  it('lets a static path win over a templated one: GET /products/import is 405, not GET /products/{id}', async () => {
    // POST /products/import and GET /products/:id: the router alone would hand this GET to the
    // templated route (400, not a UUID); the document names /products/import, which takes POST only.
    const res = await app.inject({ method: 'GET', url: '/products/import' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    // The templated route still serves every other id, and the static route its own method.
    expect((await app.inject({ method: 'GET', url: `/products/${MISSING_ID}` })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/products/import', payload: { skus: ['a'] } })).statusCode).toBe(
      202,
    );
  });

  it('maps a domain error code to its status and problem type', async () => {
    const res = await app.inject({ method: 'GET', url: `/products/${MISSING_ID}` });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      type: 'https://archipelago.dev/problems/product-not-found',
      title: 'Product not found',
      status: 404,
      detail: `Product ${MISSING_ID} does not exist.`,
      instance: `/products/${MISSING_ID}`,
      code: 'PRODUCT.NOT_FOUND',
      details: { productId: MISSING_ID },
      requestId: res.headers['x-request-id'],
    });
  });

  it('answers an unexpected error with a generic 500 and logs it in full', async () => {
    const res = await app.inject({ method: 'GET', url: '/products/boom', headers: { 'x-request-id': 'req-boom-1' } });
    expect(res.statusCode).toBe(500);
    const problem = res.json();
    expect(problem).toMatchObject({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      requestId: 'req-boom-1',
    });
    expect(problem.detail).toContain('req-boom-1');
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('at ');
    const logged = logs.find((line) => line.msg === 'unhandled error' && line.requestId === 'req-boom-1');
    expect(logged).toMatchObject({ level: 'error', service: 'catalog' });
    expect(JSON.stringify(logged)).toContain('hunter2');
  });
});

describe('request ids, context and logs', () => {
  it('echoes X-Request-Id and logs it with the service name and trace id, without credentials', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await post(validBody, {
      'x-request-id': 'edge-req-42',
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      authorization: 'Bearer top-secret-token',
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-request-id']).toBe('edge-req-42');
    const lines = logs.filter((line) => line.requestId === 'edge-req-42');
    const appLine = lines.find((line) => line.msg === 'creating Tea');
    expect(appLine).toMatchObject({ service: 'catalog', system: 'commerce', traceId, context: 'FixtureController' });
    expect(lines.find((line) => line.msg === 'request completed')).toMatchObject({ traceId, service: 'catalog' });
    const all = JSON.stringify(lines);
    expect(all).not.toContain('top-secret-token');
    // no request bodies: the body's keys, not its price digits (a response time such as 13.5 ms would match those)
    expect(all).not.toMatch(/"price"|"amount"|"currency"/);
  });

  it('generates a request id when the edge sent none (or a malformed one)', async () => {
    const res = await app.inject({ method: 'GET', url: '/products', headers: { 'x-request-id': 'bad\u0001id' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exposes the request context to handlers, after body parsing too', async () => {
    const res = await post(validBody, {
      'x-request-id': 'ctx-1',
      'x-correlation-id': 'flow-7',
      authorization: 'Bearer abc',
    });
    expect(res.json().context).toMatchObject({
      requestId: 'ctx-1',
      correlationId: 'flow-7',
      authorization: 'Bearer abc',
    });
    const get = await app.inject({ method: 'GET', url: `/products/${'1'.repeat(8)}-1111-4111-8111-111111111111` });
    expect(get.json().context).toMatchObject({
      requestId: get.headers['x-request-id'],
      correlationId: get.headers['x-request-id'],
    });
  });
});

describe('health', () => {
  it('is live', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'probe-1' } });
    expect(res.statusCode).toBe(200);
    // Probes run every few seconds: they are not logged.
    expect(logs.filter((line) => line.requestId === 'probe-1')).toEqual([]);
  });

  it('is not ready (503 problem) until every check passes', async () => {
    relayConnected = false;
    const down = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(down.json()).toMatchObject({
      detail: 'Failing readiness checks: relay.',
      checks: { relay: { status: 'down' } },
    });

    relayConnected = true;
    const up = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({ status: 'ok' });
  });

  it('takes checks registered at runtime, and a throwing check fails readiness', async () => {
    const registry = app.get(ReadinessRegistry);
    registry.register('kafka', async () => {
      throw new Error('producer disconnected');
    });
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.kafka).toMatchObject({ status: 'down' });
    registry.unregister('kafka');
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  });
});

describe('metrics', () => {
  it('counts requests by route template, not raw URL', async () => {
    await app.inject({ method: 'GET', url: `/products/${MISSING_ID}` });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/http_requests_total\{[^}]*method="GET",route="\/products\/:id",status="404"[^}]*\} \d+/);
    expect(res.body).not.toContain(MISSING_ID);
    expect(res.body).toContain('http_request_duration_seconds_bucket');
    expect(res.body).toMatch(/route="unmatched"/);
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toContain('service="catalog"');
  });
});

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1.0 document with the zod schemas as components', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Catalog', version: '1.0.0' });
    expect(doc.components.schemas.CreateProductBody).toMatchObject({
      type: 'object',
      required: ['name', 'price'],
      properties: { price: { $ref: '#/components/schemas/Money' } },
    });
    // JSON Schema 2020-12 form, as OpenAPI 3.1 requires (3.0 would say `exclusiveMinimum: true`).
    expect(doc.components.schemas.Money.properties.amount).toEqual({ type: 'number', exclusiveMinimum: 0 });
    expect(doc.components.schemas.ProblemDetails).toBeDefined();
    const create = doc.paths['/products'].post;
    expect(create.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreateProductBody',
    });
    expect(create.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Product',
    });
    expect(create.responses['400'].content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/ProblemDetails',
    });
    expect(create.responses['500'].content['application/problem+json']).toBeDefined();
    const get = doc.paths['/products/{id}'].get;
    expect(get.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    // The domain error codes mapped to 404 are enumerated in the 404 problem's schema.
    expect(get.responses['404'].content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem404',
    });
    expect(doc.components.schemas.Problem404).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/ProblemDetails' }],
      properties: { code: { type: 'string', enum: ['PRODUCT.NOT_FOUND'] } },
      // …with an example problem of its first code.
      examples: [
        expect.objectContaining({
          type: 'https://archipelago.dev/problems/product-not-found',
          status: 404,
          code: 'PRODUCT.NOT_FOUND',
        }),
      ],
    });
    expect(doc.paths['/products'].get.parameters).toEqual([expect.objectContaining({ name: 'limit', in: 'query' })]);
    expect(doc.paths['/metrics']).toBeUndefined();
    const importOp = doc.paths['/products/import'].post;
    expect(importOp.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ImportProductsBody',
    });
    expect(doc.components.schemas.ImportProductsBody).toMatchObject({ type: 'object', required: ['skus'] });
    expect(importOp.responses['400']).toBeDefined();
  });

  it('says which operations are public (security: []) and documents 401 on the others', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    expect(doc.security).toEqual([{ bearer: [] }]);
    for (const probe of ['/health/live', '/health/ready']) {
      expect(doc.paths[probe].get.security).toEqual([]);
      expect(doc.paths[probe].get.responses['401']).toBeUndefined();
    }
    expect(doc.paths['/products'].post.security).toBeUndefined();
    expect(doc.paths['/products'].post.responses['401'].content['application/problem+json']).toBeDefined();
  });

  it('sends nosniff and no-store on every answer (unless the handler chose a cache policy), CSP on /docs', async () => {
    for (const path of ['/health/live', '/no-such-route', '/docs/openapi.json']) {
      const res = await app.inject({ method: 'GET', url: path });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const docs = await app.inject({ method: 'GET', url: '/docs' });
    expect(docs.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger-ui');
  });
});
