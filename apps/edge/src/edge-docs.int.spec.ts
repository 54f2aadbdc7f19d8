import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdge } from './edge.server.js';
import { parseKongConfig } from './kong-config.loader.js';
import { parseUpstreamMap } from './upstream-target.js';

// The local API docs of the edge (EDGE_DOCS=on) over real sockets: a node:http "service" serving
// a Swagger UI under /docs and an API route, and the edge in front of it.

const KONG_YML = `
_format_version: "3.0"
services:
  - name: commerce-catalog
    url: http://catalog.commerce:8080
    routes:
      - name: products
        paths: [/commerce/v1/products]
        strip_path: false
  - name: down-service
    url: http://down.commerce:8080
    routes:
      - paths: [/down]
`;

let service: Server;
const seen: string[] = [];
const edges: FastifyInstance[] = [];

async function startEdge(docs: boolean, downPort: number, servicePort: number): Promise<string> {
  const edge = await createEdge({
    config: parseKongConfig(KONG_YML, 'edge-docs.int.spec kong.yml'),
    upstreams: parseUpstreamMap(
      JSON.stringify({
        'catalog.commerce:8080': `http://127.0.0.1:${servicePort}`,
        'down.commerce:8080': `http://127.0.0.1:${downPort}`,
      }),
    ),
    docs,
  });
  await edge.listen({ host: '127.0.0.1', port: 0 });
  edges.push(edge);
  return `http://127.0.0.1:${(edge.server.address() as AddressInfo).port}`;
}

let withDocs: string;
let withoutDocs: string;

beforeAll(async () => {
  service = createServer((req, res) => {
    seen.push(req.url!);
    if (req.url === '/docs')
      return void res
        .writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'x=1' })
        .end('<link href="./docs/swagger-ui.css">');
    if (req.url === '/docs/swagger-ui.css')
      return void res.writeHead(200, { 'content-type': 'text/css' }).end('body{}');
    if (req.url === '/docs/openapi.json')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"openapi":"3.1.0"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"api":true}');
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  const servicePort = (service.address() as AddressInfo).port;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const downPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  withDocs = await startEdge(true, downPort, servicePort);
  withoutDocs = await startEdge(false, downPort, servicePort);
});

afterAll(async () => {
  await Promise.all(edges.map((e) => e.close()));
  await new Promise((resolve) => service.close(resolve));
});

describe('edge /docs (EDGE_DOCS=on)', () => {
  it("serves an index linking each service's Swagger UI and OpenAPI document", async () => {
    const response = await fetch(`${withDocs}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<a href="/docs/commerce-catalog/docs">commerce-catalog</a>');
    expect(html).toContain('<a href="/docs/down-service/docs/openapi.json">openapi.json</a>');
  });

  it("serves a service's Swagger UI, its assets (relative links resolve) and openapi.json", async () => {
    const ui = await fetch(`${withDocs}/docs/commerce-catalog/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('set-cookie')).toBeNull();
    const css = new URL((await ui.text()).match(/href="([^"]+)"/)![1]!, `${withDocs}/docs/commerce-catalog/docs`);
    expect(css.pathname).toBe('/docs/commerce-catalog/docs/swagger-ui.css');
    expect(await (await fetch(css)).text()).toBe('body{}');
    expect(await (await fetch(`${withDocs}/docs/commerce-catalog/docs/openapi.json`)).json()).toEqual({
      openapi: '3.1.0',
    });
  });

  it("never reaches anything but the service's /docs (no way around the routes' plugins)", async () => {
    seen.length = 0;
    for (const path of [
      '/docs/commerce-catalog/commerce/v1/products',
      '/docs/commerce-catalog/docs/../commerce/v1/products',
      '/docs/commerce-catalog/docs%2F..%2Fhealth',
      '/docs/nope/docs',
    ]) {
      expect((await fetch(`${withDocs}${path}`)).status, path).toBe(404);
    }
    expect(seen).toEqual([]);
  });

  it('answers 502 for a service that is down', async () => {
    expect((await fetch(`${withDocs}/docs/down-service/docs`)).status).toBe(502);
  });
});

describe('edge without EDGE_DOCS', () => {
  it('has no /docs (as Kong: no route matches)', async () => {
    expect((await fetch(`${withoutDocs}/docs`)).status).toBe(404);
    expect((await fetch(`${withoutDocs}/docs/commerce-catalog/docs`)).status).toBe(404);
  });
});
