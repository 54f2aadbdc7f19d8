import type { EdgeRoute } from './edge-config.model.js';
import type { RouteMatch } from './route-matcher.js';

/** Per-request state of a proxied request, set by the routing hook before any plugin runs. */
export interface EdgeRequestContext {
  readonly route: EdgeRoute;
  readonly match: RouteMatch;
  /** Absolute upstream URL without query string (the query is forwarded unchanged). */
  readonly upstreamUrl: string;
  /** Host header to send when `preserve_host` is false (the host as written in kong.yml). */
  readonly upstreamHostHeader: string;
  /** Headers plugins add or replace on the upstream request. */
  readonly upstreamHeaders: Record<string, string>;
  /** Request body read ahead by a plugin (chunked uploads under request-size-limiting). */
  bufferedBody: Buffer | undefined;
  /** Correlation id of the request, when the correlation-id plugin applies. */
  correlationId: string | undefined;
  /** Milliseconds until the upstream's response headers arrived; undefined when not proxied. */
  upstreamLatencyMs: number | undefined;
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
