import {
  request as httpRequest,
  ServerResponse,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeRequestContext } from './edge-request.context.js';
import { sendKongError } from './kong-response.js';

/** What Node handed over with an `upgrade` event: the raw client socket and the bytes read past the headers. */
interface PendingUpgrade {
  readonly socket: Duplex;
  readonly head: Buffer;
}

const pending = new WeakMap<IncomingMessage, PendingUpgrade>();

// Hop-by-hop headers (RFC 9110 §7.6.1) other than the two a WebSocket handshake needs end to end.
const HOP_BY_HOP = ['keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer'];

/** True for an HTTP/1.1 WebSocket opening handshake (RFC 6455 §4.1): `Upgrade: websocket`, `Connection: upgrade`. */
export function isWebSocketHandshake(headers: IncomingHttpHeaders): boolean {
  const connection = String(headers.connection ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase());
  return String(headers.upgrade ?? '').toLowerCase() === 'websocket' && connection.includes('upgrade');
}

/** The client socket of a request that arrived as an HTTP upgrade (see {@link routeUpgradesThroughFastify}). */
export function pendingUpgrade(request: FastifyRequest): PendingUpgrade | undefined {
  return pending.get(request.raw);
}

/**
 * Makes HTTP/1.1 upgrade requests (WebSocket handshakes) go through the same Fastify pipeline as any
 * other request — routing, every Kong plugin's access phase (correlation id, rate limiting, jwt) — by
 * giving Fastify the request with a ServerResponse bound to the raw socket. Whatever the edge answers
 * instead of `101` (404 no route, 401, 429 ...) is written as a normal response with `Connection: close`;
 * the proxy handler then calls {@link proxyWebSocket}. Returns the open tunnels, which the caller
 * destroys on shutdown (an upgraded socket would otherwise keep `server.close()` waiting).
 */
export function routeUpgradesThroughFastify(server: Server): Set<Duplex> {
  const tunnels = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    pending.set(req, { socket, head });
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.on('finish', () => {
      res.detachSocket(socket as Socket);
      socket.end();
    });
    tunnels.add(socket);
    socket.on('close', () => tunnels.delete(socket));
    server.emit('request', req, res);
  });
  return tunnels;
}

function queryOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q);
}

/** `HTTP/1.1 101 …` plus headers, as raw bytes (the upstream's headers, then the edge's own over them). */
function switchingProtocols(upstream: IncomingMessage, own: Record<string, string>): string {
  const overridden = new Set(Object.keys(own).map((h) => h.toLowerCase()));
  const lines = [`HTTP/1.1 101 ${upstream.statusMessage || 'Switching Protocols'}`];
  for (let i = 0; i + 1 < upstream.rawHeaders.length; i += 2) {
    if (!overridden.has(upstream.rawHeaders[i]!.toLowerCase()))
      lines.push(`${upstream.rawHeaders[i]}: ${upstream.rawHeaders[i + 1]}`);
  }
  for (const [name, value] of Object.entries(own)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Inputs of {@link proxyWebSocket}. */
export interface WebSocketProxyOptions {
  /** Upstream request headers as for any proxied request (X-Forwarded-*, Host, plugin headers). */
  readonly headers: IncomingHttpHeaders;
  /** Headers the edge adds to the `101` (correlation id echo, rate-limit counters). */
  readonly responseHeaders: Record<string, string>;
  /** Maps a failed upstream call to the edge's answer (502/503/504). */
  readonly failure: (error: unknown) => { status: number; message: string };
}

/**
 * Proxies a routed WebSocket handshake to its upstream (`GET` with the client's `Upgrade`,
 * `Connection`, `Sec-WebSocket-*` headers). On `101` the edge relays the upstream's `101` (plus its
 * own response headers) and then bytes both ways, untouched; any other upstream answer is passed
 * through as an HTTP response. The tunnel is closed when either side closes or when no byte went
 * either way for the service's `read_timeout` (ms), as Kong's nginx does for upgraded connections.
 * Upstream failures before the `101` answer Kong's 502/503/504; the handshake waits at most
 * `read_timeout` for the upstream's answer.
 */
export function proxyWebSocket(
  request: FastifyRequest,
  reply: FastifyReply,
  context: EdgeRequestContext,
  upgrade: PendingUpgrade,
  options: WebSocketProxyOptions,
): FastifyReply {
  const url = new URL(context.upstreamUrl + queryOf(request.url));
  const headers = { ...options.headers };
  for (const name of HOP_BY_HOP) delete headers[name];
  headers.connection = 'Upgrade';
  headers.upgrade = 'websocket';
  const readTimeoutMs = context.route.service.readTimeoutMs;
  const startedAt = performance.now();
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstreamRequest = send(url, { method: 'GET', headers, timeout: readTimeoutMs });
  let settled = false;
  upstreamRequest.on('timeout', () =>
    upstreamRequest.destroy(Object.assign(new Error('upstream handshake timed out'), { code: 'ETIMEDOUT' })),
  );
  upstreamRequest.on('error', (error) => {
    if (settled) return;
    settled = true;
    const failure = options.failure(error);
    request.log.warn({ err: error, upstream: context.upstreamUrl }, 'upstream websocket handshake failed');
    sendKongError(reply, failure.status, failure.message);
  });
  upstreamRequest.on('response', (res) => {
    // Not upgraded (401, 404, 426 ...): an ordinary answer, passed through.
    settled = true;
    context.upstreamLatencyMs = performance.now() - startedAt;
    const passed: Record<string, string | string[]> = {};
    const listed = String(res.headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase());
    for (const [name, value] of Object.entries(res.headers)) {
      if (
        value === undefined ||
        name === 'connection' ||
        name === 'upgrade' ||
        HOP_BY_HOP.includes(name) ||
        listed.includes(name)
      )
        continue;
      passed[name] = value;
    }
    void reply
      .code(res.statusCode ?? 502)
      .headers(passed)
      .send(res);
  });
  upstreamRequest.on('upgrade', (res, upstreamSocket, upstreamHead) => {
    settled = true;
    context.upstreamLatencyMs = performance.now() - startedAt;
    upstreamSocket.setTimeout(0);
    reply.hijack();
    const client = upgrade.socket;
    client.write(switchingProtocols(res, options.responseHeaders));
    if (upstreamHead.length > 0) client.write(upstreamHead);
    if (upgrade.head.length > 0) upstreamSocket.write(upgrade.head);
    let idle: NodeJS.Timeout | undefined;
    const close = () => {
      clearTimeout(idle);
      client.destroy();
      upstreamSocket.destroy();
    };
    const active = () => {
      clearTimeout(idle);
      idle = setTimeout(close, readTimeoutMs);
    };
    active();
    client.on('data', active);
    upstreamSocket.on('data', active);
    client.on('close', close);
    upstreamSocket.on('close', close);
    upstreamSocket.on('error', close);
    client.on('error', close);
    upstreamSocket.pipe(client);
    client.pipe(upstreamSocket);
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: 101,
        requestId: context.correlationId ?? request.id,
        route: context.route.label,
        service: context.route.service.name,
        upstreamLatencyMs: Math.round(context.upstreamLatencyMs * 100) / 100,
      },
      'websocket opened',
    );
  });
  upstreamRequest.end();
  return reply;
}
