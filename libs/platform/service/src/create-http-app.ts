import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import { Logger } from 'nestjs-pino';
import {
  acceptIncomingId,
  newRequestId,
  requestContextFromHeaders,
  runWithRequestContext,
} from './context/request-context.js';
import { registerHttpMetrics } from './metrics/http-metrics.js';
import { answerMethodNotAllowed } from './problem/method-not-allowed.js';
import { rejectUnstorableInput } from './validation/unstorable-input.js';
import { collectProcessMetrics, platformMetricsRegistry } from './metrics/platform-metrics.registry.js';
import { type OpenApiOptions, OPENAPI_JSON_PATH, setupOpenApi } from './openapi/setup-openapi.js';
import { PlatformModule } from './platform.module.js';
import type { PlatformConfig, PlatformOptions } from './platform-options.js';

/** Largest accepted request body, in bytes (1 MiB); larger ones get a 413 problem. */
export const BODY_LIMIT_BYTES = 1_048_576;

/**
 * `application/merge-patch+json`, the media type of an RFC 7396 JSON Merge Patch. Every service reads
 * it as JSON (same body limit, same prototype-poisoning protection); a PATCH route that applies a merge
 * patch declares it with `@ApiConsumes(MERGE_PATCH_JSON, 'application/json')`.
 */
export const MERGE_PATCH_JSON = 'application/merge-patch+json';

/** Options of {@link createHttpApp}. */
export interface HttpAppOptions extends PlatformOptions {
  openapi: OpenApiOptions;
}

/**
 * Creates a service's NestJS application on Fastify, with the platform around the service's root
 * module (see {@link PlatformModule}):
 * - request ids: `X-Request-Id` from the edge when well-formed, else a new UUID; echoed on every
 *   response and logged on every line; a {@link RequestContext} per request (`currentRequestContext()`);
 * - pino JSON logs as the Nest logger (level `config.LOG_LEVEL`), credentials redacted, no bodies;
 * - RFC 9457 problem responses for every error, zod validation, 1 MiB body limit;
 * - `application/merge-patch+json` bodies (RFC 7396) parsed as JSON ({@link MERGE_PATCH_JSON});
 * - a 400 validation problem for any string with U+0000 or an unpaired surrogate anywhere in the
 *   body, query, path parameters or headers (`rejectUnstorableInput`), before guards and handlers;
 * - 405 with `Allow` for a method a known path does not take (`answerMethodNotAllowed`);
 * - OpenAPI 3.1 at `/docs/openapi.json`, Swagger UI at `/docs`;
 * - `/health/live`, `/health/ready`, `/metrics` (RED metrics by route template);
 * - shutdown hooks (SIGTERM/SIGINT close the app, failing readiness first).
 *
 * The app is not initialised yet: connect microservices (gRPC) if needed, then {@link startHttpApp}
 * (or `app.init()` in tests).
 */
export async function createHttpApp(
  rootModule: Type | DynamicModule,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  @Module({ imports: [PlatformModule.forRoot(options), rootModule] })
  class HttpAppModule {}

  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // Fastify answers a path parameter over 100 characters with a bare 414 before any route runs;
    // let the route's own schema judge it (a documented 400 problem naming the parameter).
    routerOptions: { maxParamLength: 2048 },
    // Kong (or the local edge) sits in front: trust its X-Forwarded-* headers.
    trustProxy: true,
    genReqId: (req: IncomingMessage) => acceptIncomingId(req.headers['x-request-id']) ?? newRequestId(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(HttpAppModule, adapter, { bufferLogs: true });
  app.useLogger(app.get(Logger));

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser(MERGE_PATCH_JSON, { parseAs: 'string' }, fastify.getDefaultJsonParser('error', 'error'));
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  answerMethodNotAllowed(fastify);
  rejectUnstorableInput(fastify);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    applySecurityHeaders(request.url, reply);
    done(null, payload);
  });
  // Entered after body parsing, right before the handler: a context entered earlier would be lost
  // across the body stream's events.
  fastify.addHook('preHandler', (request, _reply, done) => {
    runWithRequestContext(requestContextFromHeaders(String(request.id), request.headers), done);
  });
  collectProcessMetrics();
  platformMetricsRegistry.setDefaultLabels({ service: options.serviceName });
  registerHttpMetrics(fastify);

  setupOpenApi(app, options.openapi, options.domainErrors);
  app.enableShutdownHooks();
  return app;
}

/**
 * Starts listening on `config.HOST:config.HTTP_PORT` and logs `"<service> listening"` with the API,
 * docs, health and metrics URLs.
 *
 * @returns the URL the app listens on (the real port when `HTTP_PORT` was 0 in tests).
 */
export async function startHttpApp(app: NestFastifyApplication, config: PlatformConfig): Promise<string> {
  await app.listen(config.HTTP_PORT, config.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.HTTP_PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  const url = `http://${host}:${port}`;
  app.get(Logger).log(
    {
      msg: `${config.SERVICE_NAME} listening`,
      url,
      docs: `${url}/docs`,
      openapi: `${url}${OPENAPI_JSON_PATH}`,
      health: `${url}/health/ready`,
      metrics: `${url}/metrics`,
    },
    'Bootstrap',
  );
  return url;
}

/** Content-Security-Policy of the Swagger UI pages (`/docs`): own scripts only, no framing. */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/**
 * Headers every response gets (OWASP REST Security / Secure Headers): `X-Content-Type-Options:
 * nosniff`; `Cache-Control: no-store` unless the handler chose a policy (API answers carry
 * personal data and tokens: no shared cache may keep them); on the Swagger UI pages a
 * Content-Security-Policy ({@link DOCS_CSP}).
 */
export function applySecurityHeaders(
  url: string,
  reply: { hasHeader(name: string): boolean; header(name: string, value: string): unknown },
): void {
  void reply.header('x-content-type-options', 'nosniff');
  if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  const path = url.split('?')[0]!;
  if ((path === '/docs' || path.startsWith('/docs/')) && !reply.hasHeader('content-security-policy'))
    void reply.header('content-security-policy', DOCS_CSP);
}
