import { randomUUID } from 'node:crypto';
import replyFrom from '@fastify/reply-from';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { EdgeConfig, EdgeService } from './edge-config.model.js';
import { registerDocsRoutes } from './edge-docs.route.js';
import { registerHealthRoute, registerStatusHealthRoute, UpstreamHealth } from './edge-health.route.js';
import './edge-request.context.js';
import { KONG_MESSAGE, sendContinueIfExpected, sendKongError } from './kong-response.js';
import type { AnyEdgePlugin, EdgeRuntime } from './plugins/edge-plugin.js';
import { byKongPriority, EDGE_PLUGINS } from './plugins/plugin-registry.js';
import { InvalidRequestPathError, RouteMatcher } from './route-matcher.js';
import { proxyToUpstream } from './upstream-proxy.js';
import { resolveUpstreamTarget, type UpstreamMap, type UpstreamTarget } from './upstream-target.js';
import { routeUpgradesThroughFastify } from './websocket-proxy.js';

/** Inputs of {@link createEdge}. */
export interface CreateEdgeOptions {
  /** Validated kong.yml (see loadKongConfig). */
  readonly config: EdgeConfig;
  /** Local address overrides for kong.yml hosts (EDGE_UPSTREAMS); unmapped hosts are used as written. */
  readonly upstreams?: UpstreamMap;
  /** pino logger for the one-line-per-request JSON log; a silent one when omitted. */
  readonly logger?: Logger;
  /** Plugin implementations (defaults to the registry); must cover every plugin kong.yml uses. */
  readonly plugins?: readonly AnyEdgePlugin[];
  /** Timeout of each upstream probe behind `GET /health`, in ms (default 1000). */
  readonly healthTimeoutMs?: number;
  /** Time between the background upstream probes the public `GET /health` answers from, in ms (default 2000). */
  readonly healthIntervalMs?: number;
  /** JWKS URL for jwt credentials given as vault references (EDGE_JWKS_URL); see EdgeRuntime.jwksUrl. */
  readonly jwksUrl?: string;
  /** Clock in ms since the epoch (default Date.now); tests fix it to make rate-limit windows deterministic. */
  readonly now?: () => number;
  /** Serve the local API docs index at `/docs` and each service's Swagger UI under it (EDGE_DOCS=on; never in Kong). */
  readonly docs?: boolean;
  /** Size and max age of the jwt plugin's cache of accepted tokens; see EdgeRuntime.verifiedTokenCache. */
  readonly verifiedTokenCache?: EdgeRuntime['verifiedTokenCache'];
}

function splitUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The proxy server, with the status server (Kong's Status API) it owns. */
export type EdgeServer = FastifyInstance & {
  /**
   * Operator endpoints, for a separate port that is never routed publicly (EDGE_STATUS_PORT, bound
   * to 127.0.0.1 by default): `GET /health` (probes every upstream now) and `GET /metrics` (when
   * the prometheus plugin is configured). The caller listens on it; closing the proxy closes it.
   */
  readonly status: FastifyInstance;
};

/**
 * Builds the edge: a Fastify 5 server that routes like Kong from `config`, runs the configured Kong
 * plugins in Kong's priority order, proxies with @fastify/reply-from, and serves its own public
 * `GET /health` from upstream probes made in the background (every `healthIntervalMs`; the first
 * one before the server is ready), plus a status server (see {@link EdgeServer.status}).
 * Resolves once every plugin is installed; the caller listens (`app.listen`, `app.status.listen`)
 * and closes it (`app.close()` also closes the status server and stops the probes).
 */
export async function createEdge(options: CreateEdgeOptions): Promise<EdgeServer> {
  const { config } = options;
  const logger = options.logger ?? pino({ level: 'silent' });
  const upstreams = options.upstreams ?? new Map();
  const matcher = new RouteMatcher(config.routes);
  const targets = new Map<EdgeService, UpstreamTarget>(config.services.map((s) => [s, resolveUpstreamTarget(s, upstreams)]));
  for (const route of config.routes) {
    if (!targets.has(route.service)) targets.set(route.service, resolveUpstreamTarget(route.service, upstreams));
  }

  const app: FastifyInstance = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the instance type Fastify's default one.
    loggerInstance: logger as FastifyBaseLogger,
    // The edge writes its own single line per request (onResponse below).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    // Bodies are streamed, never parsed, so Fastify's body limit does not apply; the Kong plugin does.
    bodyLimit: Number.MAX_SAFE_INTEGER,
  });
  app.decorateRequest('edge', null);
  const status = Fastify({ loggerInstance: logger as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }) });
  const health = new UpstreamHealth(config.services, targets, options.healthTimeoutMs ?? 1000, options.healthIntervalMs ?? 2000);
  app.addHook('onReady', () => health.start());
  // WebSocket handshakes (HTTP upgrades) are routed and run through the plugins like any request.
  const tunnels = routeUpgradesThroughFastify(app.server);
  app.addHook('preClose', async () => {
    for (const socket of tunnels) socket.destroy();
  });
  app.addHook('onClose', async () => {
    health.stop();
    await status.close();
  });

  // Bodies pass through untouched as streams.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  const connectTimeout = Math.min(60_000, ...config.services.map((s) => s.connectTimeoutMs));
  await app.register(replyFrom, {
    disableRequestLogging: true,
    // Kong does not replay requests on upstream 503s; reply-from would for GETs by default.
    retryMethods: [],
    undici: { connect: { timeout: connectTimeout } },
  });

  // Routing runs before every plugin, as in Kong (no route → 404 before any plugin's access phase).
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.edgeOwn) return;
    let match;
    try {
      match = matcher.match({ method: request.method, path: splitUrl(request.url), host: request.headers.host });
    } catch (error) {
      if (error instanceof InvalidRequestPathError) return sendKongError(reply, 400, KONG_MESSAGE.badRequest);
      throw error;
    }
    if (match === undefined) {
      // A path some route serves, with a method none of them takes: 405 + Allow (RFC 9110 §15.5.6).
      const allow = matcher.allowedMethods({ path: splitUrl(request.url), host: request.headers.host });
      if (allow.length > 0) return sendKongError(reply.header('allow', allow.join(', ')), 405, KONG_MESSAGE.methodNotAllowed);
      return sendKongError(reply, 404, KONG_MESSAGE.noRoute);
    }
    const target = targets.get(match.route.service)!;
    request.edge = {
      route: match.route,
      match,
      upstreamUrl: target.origin + target.basePath + match.upstreamPath,
      upstreamHostHeader: target.hostHeader,
      upstreamHeaders: {},
      authenticated: undefined,
      responseHeaders: {},
      bufferedBody: undefined,
      correlationId: undefined,
      upstreamLatencyMs: undefined,
    };
  });

  // Headers plugins want on the client's response (rate-limit counters), over the upstream's own.
  app.addHook('onSend', async (request, reply, payload) => {
    const headers = request.edge?.responseHeaders;
    if (headers !== undefined) for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    return payload;
  });

  const runtime: EdgeRuntime = {
    jwksUrl: options.jwksUrl,
    now: options.now ?? Date.now,
    verifiedTokenCache: options.verifiedTokenCache,
    upstreamUrlFor: (method, url) => {
      const parsed = new URL(url, 'http://edge.invalid');
      let match;
      try {
        match = matcher.match({ method, path: parsed.pathname, host: parsed.host === 'edge.invalid' ? undefined : parsed.host });
      } catch {
        return undefined;
      }
      if (match === undefined) return undefined;
      const target = targets.get(match.route.service)!;
      return target.origin + target.basePath + match.upstreamPath;
    },
  };

  const plugins = options.plugins ?? EDGE_PLUGINS;
  const implemented = new Set(plugins.map((p) => p.name));
  const missing = [...config.pluginsInUse].filter((name) => !implemented.has(name));
  if (missing.length > 0) throw new Error(`no implementation for plugin(s) ${missing.join(', ')} used in ${config.source}`);
  for (const plugin of byKongPriority(plugins)) {
    await plugin.install(app, {
      configFor: (request) => request.edge?.route.plugins.get(plugin.name),
      inUse: config.pluginsInUse.has(plugin.name),
      config,
      runtime,
      status,
    });
  }

  app.addHook('onResponse', async (request, reply) => {
    const context = request.edge;
    request.log.info(
      {
        method: request.method,
        path: splitUrl(request.url),
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        requestId: context?.correlationId ?? request.id,
        route: context?.route.label ?? null,
        service: context?.route.service.name ?? null,
        upstreamLatencyMs: context?.upstreamLatencyMs === undefined ? null : Math.round(context.upstreamLatencyMs * 100) / 100,
      },
      'request completed',
    );
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'edge error');
    return sendKongError(reply, status, status === 500 ? KONG_MESSAGE.unexpected : error.message);
  });

  // Expect: 100-continue. Node would send `100 Continue` before the edge saw the request; with a
  // checkContinue listener it does not, and the edge sends it only once every plugin let the
  // request through (or a plugin is about to read the body): an oversized body gets its 413 unsent.
  app.server.on('checkContinue', (req, res) => app.server.emit('request', req, res));
  app.addHook('preHandler', async (request, reply) => {
    sendContinueIfExpected(request, reply);
  });

  registerHealthRoute(app, health);
  registerStatusHealthRoute(status, health);
  if (options.docs) registerDocsRoutes(app, config.services, targets);
  // Everything that is not one of the edge's own routes is proxied (or answered 404 by routing).
  app.setNotFoundHandler(proxyToUpstream);
  return Object.assign(app, { status });
}
