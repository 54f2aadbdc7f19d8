import type { EdgeConsumer, EdgeJwtCredential, EdgeRoute } from './edge-config.model.js';
import type { RouteMatch } from './route-matcher.js';

/** Per-request state of a proxied request, set by the routing hook before any plugin runs. */
export interface EdgeRequestContext {
  readonly route: EdgeRoute;
  readonly match: RouteMatch;
  /** Absolute upstream URL without query string (the query is forwarded unchanged). */
  readonly upstreamUrl: string;
  /** Host header to send when `preserve_host` is false (the host as written in kong.yml). */
  readonly upstreamHostHeader: string;
  /**
   * Headers plugins set on the upstream request (Kong's `kong.service.request.set_header`), by
   * lower-case name; `null` removes a client-sent header (`clear_header`). Later plugins read them
   * as request headers, as in Kong (see {@link requestHeaderSeenByPlugins}).
   */
  readonly upstreamHeaders: Record<string, string | null>;
  /** Who an auth plugin authenticated (Kong's `kong.client.authenticate`); undefined when none did. */
  authenticated: EdgeAuthentication | undefined;
  /** Headers a plugin adds to the response the client gets (proxied or edge-made). */
  readonly responseHeaders: Record<string, string>;
  /** Request body read ahead by a plugin (chunked uploads under request-size-limiting). */
  bufferedBody: Buffer | undefined;
  /** Correlation id of the request, when the correlation-id plugin applies. */
  correlationId: string | undefined;
  /** Milliseconds until the upstream's response headers arrived; undefined when not proxied. */
  upstreamLatencyMs: number | undefined;
}

/** The consumer and credential an auth plugin accepted, and the verified subject (JWT `sub`). */
export interface EdgeAuthentication {
  readonly consumer: EdgeConsumer;
  /** Undefined for the `anonymous` consumer. */
  readonly credential: EdgeJwtCredential | undefined;
  /** The verified `sub` claim (RFC 7519 §4.1.2), sent upstream as X-Authenticated-Userid. */
  readonly subject: string | undefined;
}

/**
 * A request header as a plugin sees it after earlier plugins ran: their upstream header changes
 * win over what the client sent (Kong's `kong.request.get_header` after `set_header`). First
 * value when the header is repeated; undefined when absent or cleared.
 */
export function requestHeaderSeenByPlugins(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  context: Pick<EdgeRequestContext, 'upstreamHeaders'>,
  name: string,
): string | undefined {
  const key = name.toLowerCase();
  if (Object.hasOwn(context.upstreamHeaders, key)) return context.upstreamHeaders[key] ?? undefined;
  const value = headers[key];
  return Array.isArray(value) ? value[0] : value;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** `null` for the edge's own endpoints (/health, /metrics) and unmatched requests. */
    edge: EdgeRequestContext | null;
  }
  interface FastifyContextConfig {
    /** Marks the edge's own routes: no routing, no Kong plugins. */
    edgeOwn?: boolean;
  }
}
