import type { FastifyInstance } from 'fastify';
import type { EdgeService } from './edge-config.model.js';
import type { UpstreamTarget } from './upstream-target.js';

/** Response headers passed on from a service's docs pages (nothing else: no cookies, no hop-by-hop). */
const PASSED_HEADERS = ['content-type', 'cache-control', 'etag', 'last-modified'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Registers the edge's own API documentation routes (never proxied by routing; local only — real
 * Kong has no such routes and the production charts route no `/docs`):
 * - `GET /docs`: an HTML index of every enabled service of kong.yml, linking its Swagger UI and its
 *   OpenAPI document;
 * - `GET /docs/<service>/docs` and `GET /docs/<service>/docs/<file>`: the service's own Swagger UI
 *   (`/docs` of the service) and its assets and `openapi.json`, fetched from the service's upstream.
 *   Only paths under the service's `/docs` are reachable this way, so it never bypasses the routes'
 *   plugins (jwt, rate limiting) to reach the API itself; "Try it out" calls go through the edge's
 *   normal routes (same origin) with the token given to "Authorize".
 * Unknown services and other paths answer 404; an unreachable service 502.
 */
export function registerDocsRoutes(
  app: FastifyInstance,
  services: readonly EdgeService[],
  targets: ReadonlyMap<EdgeService, UpstreamTarget>,
  timeoutMs = 5000,
): void {
  const byName = new Map(services.map((s) => [s.name, s]));
  app.get('/docs', { config: { edgeOwn: true } }, async (_request, reply) => {
    const rows = services
      .map((s) => {
        const name = escapeHtml(s.name);
        return `<li><a href="/docs/${name}/docs">${name}</a> · <a href="/docs/${name}/docs/openapi.json">openapi.json</a></li>`;
      })
      .join('\n');
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html>\n<html><head><meta charset="utf-8"><title>Archipelago API docs</title></head><body>\n` +
          `<h1>Archipelago API docs (local edge)</h1>\n<p>Swagger UI of each service, served through the edge; ` +
          `"Try it out" calls go through the edge's routes: use "Authorize" with a bearer token.</p>\n<ul>\n${rows}\n</ul>\n</body></html>\n`,
      );
  });
  app.get<{ Params: { service: string; '*': string } }>(
    '/docs/:service/*',
    { config: { edgeOwn: true } },
    async (request, reply) => {
      const service = byName.get(request.params.service);
      const rest = request.params['*'];
      if (!service || !/^docs(\/[\w.-]+)*$/.test(rest) || rest.includes('..')) {
        return reply.code(404).type('application/json').send({ message: 'no API docs here; see /docs' });
      }
      const target = targets.get(service)!;
      let response: Response;
      try {
        response = await fetch(`${target.origin}${target.basePath}/${rest}`, {
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
      } catch {
        return reply
          .code(502)
          .type('application/json')
          .send({ message: `${service.name} is not reachable` });
      }
      for (const name of PASSED_HEADERS) {
        const value = response.headers.get(name);
        if (value !== null) void reply.header(name, value);
      }
      return reply.code(response.status).send(Buffer.from(await response.arrayBuffer()));
    },
  );
}
