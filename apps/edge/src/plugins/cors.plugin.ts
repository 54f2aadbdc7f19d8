import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { defineEdgePlugin } from './edge-plugin.js';

const METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] as const;

// Kong treats an origin entry made only of these characters as a literal origin, anything else as a regex.
const LITERAL_ORIGIN = /^[A-Za-z0-9.:/-]+$/;

const originEntry = z
  .string()
  .min(1)
  .superRefine((origin, ctx) => {
    if (origin === '*' || LITERAL_ORIGIN.test(origin)) return;
    try {
      new RegExp(origin);
    } catch {
      ctx.addIssue({ code: 'custom', message: `'${origin}' is not a valid regex` });
    }
  });

const configSchema = z.strictObject({
  origins: z.array(originEntry).optional(),
  headers: z.array(z.string().min(1)).optional(),
  exposed_headers: z.array(z.string().min(1)).optional(),
  methods: z.array(z.enum(METHODS)).default([...METHODS]),
  max_age: z.number().optional(),
  credentials: z.boolean().default(false),
  private_network: z.literal(false, { error: 'private_network: true is not supported by the local edge' }).default(false),
  preflight_continue: z.boolean().default(false),
  allow_origin_absent: z.boolean().default(true),
});

export type CorsConfig = z.infer<typeof configSchema>;

interface CompiledOrigin {
  readonly literal?: string;
  readonly regex?: RegExp;
  /** Kong compares an entry without ':' with the request's host only. */
  readonly byHost: boolean;
}

function normalizeOrigin(origin: string): { domain: string; host: string } {
  try {
    const url = new URL(origin);
    // URL drops default ports (http:80, https:443), as Kong's normalization does.
    return { domain: `${url.protocol}//${url.host}`, host: url.hostname };
  } catch {
    return { domain: origin, host: origin };
  }
}

function compileOrigins(origins: readonly string[]): CompiledOrigin[] {
  return origins.filter((entry) => entry !== '*').map((entry) => {
    const byHost = !entry.includes(':');
    if (LITERAL_ORIGIN.test(entry)) return { literal: normalizeOrigin(entry).domain, byHost };
    // Kong anchors origin regexes at both ends.
    const body = entry.replace(/^\^/, '').replace(/\$$/, '');
    return { regex: new RegExp(`^(?:${body})$`), byHost };
  });
}

/** What Kong's `configure_origin` decides: '*', a fixed or reflected origin, or no header. */
function allowedOrigin(config: CorsConfig, compiled: readonly CompiledOrigin[], requestOrigin: string | undefined) {
  const origins = config.origins ?? [];
  if (origins.length === 0 || origins.includes('*')) return { allowAll: true, value: '*' };
  if (origins.length === 1 && LITERAL_ORIGIN.test(origins[0]!)) return { allowAll: false, value: origins[0] };
  if (requestOrigin === undefined) return { allowAll: false, value: undefined };
  const normalized = normalizeOrigin(requestOrigin);
  const found = compiled.some((entry) =>
    entry.regex ? entry.regex.test(entry.byHost ? normalized.host : normalized.domain) : entry.literal === normalized.domain,
  );
  return { allowAll: false, value: found ? normalized.domain : undefined };
}

/**
 * Maps Kong's cors semantics for one request onto @fastify/cors options: a preflight is an OPTIONS
 * request with Origin and Access-Control-Request-Method, answered 200 at the edge unless
 * `preflight_continue`; other requests get the CORS response headers and go upstream.
 */
function corsOptionsFor(config: CorsConfig | undefined, compiled: readonly CompiledOrigin[], request: FastifyRequest): FastifyCorsOptions {
  if (config === undefined) return { origin: false };
  const requestOrigin = request.headers.origin;
  const isPreflight =
    request.method === 'OPTIONS' && requestOrigin !== undefined && request.headers['access-control-request-method'] !== undefined;
  // preflight_continue: Kong adds nothing and lets the upstream answer the preflight.
  if (isPreflight && config.preflight_continue) return { origin: false };
  if (requestOrigin === undefined && !config.allow_origin_absent) return { origin: false };

  const { allowAll, value } = allowedOrigin(config, compiled, requestOrigin);
  // Credentials cannot be combined with '*': Kong reflects the request origin instead.
  const reflect = config.credentials && allowAll && requestOrigin !== undefined;
  const options: FastifyCorsOptions = {
    // An empty list makes @fastify/cors omit Access-Control-Allow-Origin but still answer the preflight.
    origin: reflect ? requestOrigin : (value ?? []),
    credentials: config.credentials && (!allowAll || reflect),
    methods: config.methods.join(','),
    preflight: isPreflight,
    strictPreflight: false,
    optionsSuccessStatus: 200,
  };
  if (config.headers?.length) options.allowedHeaders = config.headers.join(',');
  if (config.max_age !== undefined) options.maxAge = config.max_age;
  // Kong sends Access-Control-Expose-Headers on actual responses, not on preflight answers.
  if (!isPreflight && config.exposed_headers?.length) options.exposedHeaders = config.exposed_headers.join(',');
  return options;
}

/**
 * Kong `cors` (priority 2000), implemented with @fastify/cors driven per request by the effective
 * plugin configuration (route > service > global).
 */
export const corsPlugin = defineEdgePlugin<CorsConfig>({
  name: 'cors',
  priority: 2000,
  configSchema,
  async install(app, scope) {
    if (!scope.inUse) return;
    const compiledByConfig = new WeakMap<CorsConfig, CompiledOrigin[]>();
    const compiledFor = (config: CorsConfig) => {
      let compiled = compiledByConfig.get(config);
      if (compiled === undefined) {
        compiled = compileOrigins(config.origins ?? []);
        compiledByConfig.set(config, compiled);
      }
      return compiled;
    };
    await app.register(fastifyCors, {
      hook: 'onRequest',
      delegator: (request: FastifyRequest, callback: (error: Error | null, options?: FastifyCorsOptions) => void) => {
        const config = scope.configFor(request);
        callback(null, corsOptionsFor(config, config ? compiledFor(config) : [], request));
      },
    });
  },
});
