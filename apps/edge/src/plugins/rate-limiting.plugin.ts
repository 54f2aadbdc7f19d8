import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requestHeaderSeenByPlugins, type EdgeRequestContext } from '../edge-request.context.js';
import { defineEdgePlugin } from './edge-plugin.js';
import { decideRateLimit, LocalRateLimitCounters, PERIODS, type PeriodLimits } from './rate-limit-counter.js';

const limit = z.number().gt(0).optional();

const configSchema = z
  .strictObject({
    second: limit,
    minute: limit,
    hour: limit,
    day: limit,
    month: limit,
    year: limit,
    limit_by: z.enum(['consumer', 'credential', 'ip', 'service', 'header', 'path']).default('consumer'),
    header_name: z.string().min(1).optional(),
    path: z.string().startsWith('/').optional(),
    policy: z
      .literal('local', {
        error: 'the local edge supports policy "local" only (cluster and redis need a shared store)',
      })
      .default('local'),
    fault_tolerant: z.boolean().default(true),
    hide_client_headers: z.boolean().default(false),
    error_code: z.number().int().min(400).max(599).default(429),
    error_message: z.string().default('API rate limit exceeded'),
    sync_rate: z.number().default(-1),
  })
  .superRefine((config, ctx) => {
    const set = PERIODS.filter((p) => config[p] !== undefined);
    if (set.length === 0)
      ctx.addIssue({ code: 'custom', message: 'set at least one of second, minute, hour, day, month, year' });
    // Kong: a longer period cannot allow fewer requests than a shorter one.
    for (let i = 0; i < set.length; i++) {
      for (let j = i + 1; j < set.length; j++) {
        const [lower, upper] = [set[i]!, set[j]!];
        if (config[upper]! < config[lower]!) {
          ctx.addIssue({
            code: 'custom',
            path: [upper],
            message: `The limit for ${upper}(${config[upper]}) cannot be lower than the limit for ${lower}(${config[lower]})`,
          });
        }
      }
    }
    if (config.limit_by === 'header' && config.header_name === undefined) {
      ctx.addIssue({ code: 'custom', path: ['header_name'], message: 'limit_by "header" needs header_name' });
    }
    if (config.limit_by === 'path' && config.path === undefined) {
      ctx.addIssue({ code: 'custom', path: ['path'], message: 'limit_by "path" needs path' });
    }
  });

export type RateLimitingConfig = z.infer<typeof configSchema>;

/**
 * Kong's identifier of the caller (3.x `get_identifier`), falling back to the client IP. The IP is
 * the socket address: Kong's `get_forwarded_ip` with no `trusted_ips`.
 */
function identifierOf(config: RateLimitingConfig, request: FastifyRequest, context: EdgeRequestContext): string {
  const auth = context.authenticated;
  let id: string | undefined;
  switch (config.limit_by) {
    case 'consumer':
      id = auth?.consumer.id ?? auth?.credential?.id ?? auth?.credential?.key;
      break;
    case 'credential':
      id = auth?.credential?.id ?? auth?.credential?.key;
      break;
    case 'service':
      id = context.route.service.name;
      break;
    case 'header':
      id = requestHeaderSeenByPlugins(request.headers, context, config.header_name!);
      break;
    case 'path':
      id = context.match.path === config.path ? config.path : undefined;
      break;
    case 'ip':
      break;
  }
  return id ?? request.socket.remoteAddress ?? '';
}

/**
 * Kong `rate-limiting` (priority 910, Kong 3.x) with the `local` policy: fixed windows per period,
 * one set of counters per plugin instance (a global, service or route entry in kong.yml, as Kong
 * keys counters by the plugin's route and service), per caller as `limit_by` says. Over the limit:
 * `error_code` (429, RFC 6585) `{"message": error_message}` with Retry-After; otherwise the request
 * is counted and the response carries X-RateLimit-* and RateLimit-* unless `hide_client_headers`.
 *
 * Per-user limits on JWT routes: `limit_by: header`, `header_name: X-Authenticated-Userid`, which
 * the jwt plugin (priority 1450, so earlier) sets from the verified `sub` and never takes from the client.
 */
export const rateLimitingPlugin = defineEdgePlugin<RateLimitingConfig>({
  name: 'rate-limiting',
  priority: 910,
  configSchema,
  install(app, scope) {
    if (!scope.inUse) return;
    const countersByInstance = new WeakMap<RateLimitingConfig, LocalRateLimitCounters>();
    const limitsByInstance = new WeakMap<RateLimitingConfig, PeriodLimits>();
    app.addHook('onRequest', async (request, reply) => {
      const config = scope.configFor(request);
      const context = request.edge;
      if (config === undefined || context === null) return;
      let counters = countersByInstance.get(config);
      let limits = limitsByInstance.get(config);
      if (counters === undefined || limits === undefined) {
        counters = new LocalRateLimitCounters();
        limits = Object.fromEntries(PERIODS.filter((p) => config[p] !== undefined).map((p) => [p, config[p]!]));
        countersByInstance.set(config, counters);
        limitsByInstance.set(config, limits);
      }
      const now = scope.runtime.now();
      const identifier = identifierOf(config, request, context);
      const decision = decideRateLimit(limits, (period) => counters.usage(identifier, period, now), now);
      const headers = config.hide_client_headers ? {} : decision.headers;
      if (decision.exceeded !== undefined) {
        if (!config.hide_client_headers) headers['Retry-After'] = String(decision.resetSeconds);
        return reply
          .code(config.error_code)
          .headers(headers)
          .type('application/json; charset=utf-8')
          .send({ message: config.error_message });
      }
      counters.increment(identifier, limits, now);
      Object.assign(context.responseHeaders, headers);
    });
  },
});
