import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { traceparentOf } from '@archipelago/platform-telemetry';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeRequestContext } from './edge-request.context.js';
import { KONG_MESSAGE, sendKongError } from './kong-response.js';
import { isWebSocketHandshake, pendingUpgrade, proxyWebSocket } from './websocket-proxy.js';

const TIMEOUT_CODES = new Set([
  'FST_REPLY_FROM_GATEWAY_TIMEOUT',
  'FST_REPLY_FROM_TIMEOUT',
  'FST_REPLY_FROM_HTTP_REQUEST_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
const NAME_RESOLUTION_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN']);
// Hop-by-hop headers (RFC 9110 §7.6.1) describe the upstream connection, not the client's one.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade'];

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * Maps a failed upstream call to Kong's answer: timeouts → 504, DNS failures → 503, anything else
 * (connection refused or reset, malformed response) → 502.
 */
export function upstreamFailure(error: unknown): { status: number; message: string } {
  const codes = errorCodes(error);
  if (codes.some((c) => TIMEOUT_CODES.has(c))) return { status: 504, message: KONG_MESSAGE.upstreamTimeout };
  if (codes.some((c) => NAME_RESOLUTION_CODES.has(c))) return { status: 503, message: KONG_MESSAGE.nameResolution };
  return { status: 502, message: KONG_MESSAGE.badGateway };
}

/** Kong's upstream request headers: X-Forwarded-*, X-Real-IP, Host, and headers set by plugins. */
function upstreamRequestHeaders(
  request: FastifyRequest,
  headers: IncomingHttpHeaders,
  context: EdgeRequestContext,
): IncomingHttpHeaders {
  const remote = request.socket.remoteAddress ?? '';
  const clientHost = request.headers.host ?? '';
  const previousFor = headers['x-forwarded-for'];
  // The edge trusts no client-supplied X-Forwarded-* except the X-Forwarded-For chain it extends,
  // like Kong with an empty trusted_ips.
  headers['x-real-ip'] = remote;
  headers['x-forwarded-for'] = previousFor ? `${previousFor}, ${remote}` : remote;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-host'] = clientHost.replace(/:\d+$/, '');
  headers['x-forwarded-port'] = String(request.socket.localPort ?? '');
  headers['x-forwarded-path'] = context.match.path;
  if (context.match.strippedPrefix !== undefined) headers['x-forwarded-prefix'] = context.match.strippedPrefix;
  else delete headers['x-forwarded-prefix'];
  // W3C trace context: with tracing on, the edge's server span has continued the client's
  // `traceparent` and the instrumentation adds the edge's own (its client span) to the upstream
  // request. The client's copy would make a second header, and an upstream reading "a, b" starts a
  // new trace — so it goes (Kong's OpenTelemetry plugin replaces it likewise). Tracing off: passed on.
  if (traceparentOf() !== undefined) {
    delete headers.traceparent;
    delete headers.tracestate;
  }
  // The edge answered `Expect: 100-continue` itself (edge.server.ts); undici refuses the header.
  delete headers.expect;
  headers.host = context.route.preserveHost && clientHost !== '' ? clientHost : context.upstreamHostHeader;
  for (const [name, value] of Object.entries(context.upstreamHeaders)) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  if (context.bufferedBody !== undefined) headers['content-length'] = String(context.bufferedBody.length);
  return headers;
}

/**
 * Fastify handler that forwards a routed request to its upstream with @fastify/reply-from (undici),
 * passing status, headers and body back unchanged; a WebSocket handshake that came in as an HTTP
 * upgrade is tunnelled instead (websocket-proxy.ts). Requests without a route context answer Kong's
 * 404; upstream failures answer Kong's 502/503/504 bodies.
 */
export function proxyToUpstream(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const context = request.edge;
  if (context === null) return sendKongError(reply, 404, KONG_MESSAGE.noRoute);
  const upgrade = pendingUpgrade(request);
  if (upgrade !== undefined && isWebSocketHandshake(request.headers)) {
    return proxyWebSocket(request, reply, context, upgrade, {
      headers: upstreamRequestHeaders(request, { ...request.headers }, context),
      responseHeaders: context.responseHeaders,
      failure: upstreamFailure,
    });
  }
  if (context.bufferedBody !== undefined && request.method !== 'GET' && request.method !== 'HEAD') {
    request.body = Readable.from([context.bufferedBody]);
  }
  const startedAt = performance.now();
  return reply.from(context.upstreamUrl, {
    timeout: context.route.service.readTimeoutMs,
    rewriteRequestHeaders: (_request, headers) =>
      upstreamRequestHeaders(request, headers as IncomingHttpHeaders, context),
    rewriteHeaders: (headers) => {
      context.upstreamLatencyMs = performance.now() - startedAt;
      const listed = String(headers.connection ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase());
      for (const name of [...HOP_BY_HOP, ...listed]) delete headers[name];
      return headers;
    },
    onError: (_reply, { error }) => {
      const failure = upstreamFailure(error);
      request.log.warn({ err: error, upstream: context.upstreamUrl }, 'upstream request failed');
      sendKongError(reply, failure.status, failure.message);
    },
  });
}
