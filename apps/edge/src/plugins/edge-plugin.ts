import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';

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
