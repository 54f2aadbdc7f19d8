import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { EdgeConfig } from '../edge-config.model.js';

/** What a plugin sees of its configuration at run time. */
export interface EdgePluginScope<C> {
  /**
   * The effective configuration for this request (route > service > global, as in Kong), or
   * `undefined` when the plugin does not apply: the request matched no route, the route has no
   * such plugin, or the request is one of the edge's own endpoints.
   */
  configFor(request: FastifyRequest): C | undefined;
  /** True when kong.yml enables the plugin somewhere; plugins may skip installing when false. */
  readonly inUse: boolean;
  /** The whole validated kong.yml (auth plugins look up consumers and credentials in it). */
  readonly config: EdgeConfig;
  /** What the local runtime adds to kong.yml. */
  readonly runtime: EdgeRuntime;
  /**
   * The status server (Kong's Status API: EDGE_STATUS_PORT, never routed publicly): plugins that
   * expose operator endpoints (prometheus `/metrics`) register them here, not on the proxy `app`.
   */
  readonly status: FastifyInstance;
}

/** Local settings and services the edge offers its plugins. */
export interface EdgeRuntime {
  /**
   * JWKS URL (RFC 7517) used by the jwt plugin for every credential whose key is a vault
   * reference (env EDGE_JWKS_URL); undefined → derived per credential from its issuer.
   */
  readonly jwksUrl: string | undefined;
  /** The current time in ms since the epoch (the clock behind token expiry and rate-limit windows). */
  now(): number;
  /**
   * Cache of tokens the jwt plugin accepted (EDGE_JWT_CACHE_SIZE, EDGE_JWT_CACHE_MAX_AGE_MS):
   * `maxEntries` (0 = off) and `maxAgeMs`; default 4096 entries, 60 000 ms.
   */
  readonly verifiedTokenCache?: { readonly maxEntries: number; readonly maxAgeMs: number } | undefined;
  /**
   * The upstream URL the edge proxies `method url` to (url: absolute, or a path), or undefined when
   * no route matches; the jwt plugin uses it to reach an issuer's JWKS without looping through itself.
   */
  upstreamUrlFor(method: string, url: string): string | undefined;
}

/**
 * A Kong plugin implemented by the local edge. One file per plugin, listed in plugin-registry.ts.
 *
 * `install` adds the plugin's Fastify hooks. Plugins are installed in descending Kong `priority`,
 * and Fastify runs hooks of one kind in registration order, so `onRequest` hooks (Kong's access
 * phase) run in Kong's order. A hook short-circuits the request by sending a reply, as
 * `kong.response.exit` does. Upstream request headers go through `request.edge.upstreamHeaders`
 * (Kong's `kong.service.request.set_header`).
 */
export interface EdgePlugin<C> {
  /** The Kong plugin name used in kong.yml. */
  readonly name: string;
  /** Kong's PRIORITY for this plugin: higher runs first. */
  readonly priority: number;
  /** Kong's `config` record for this plugin, with Kong's defaults; unknown fields are rejected. */
  readonly configSchema: z.ZodType<C>;
  install(app: FastifyInstance, scope: EdgePluginScope<C>): void | Promise<void>;
}

/** Identity helper that keeps `C` inferred from the schema. */
export function defineEdgePlugin<C>(plugin: EdgePlugin<C>): EdgePlugin<C> {
  return plugin;
}

// Plugins differ in C; the registry only needs the shared shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEdgePlugin = EdgePlugin<any>;
