import { Counter, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { defineEdgePlugin } from './edge-plugin.js';

const configSchema = z.strictObject({
  per_consumer: z.boolean().default(false),
  status_code_metrics: z.boolean().default(false),
  latency_metrics: z.boolean().default(false),
  bandwidth_metrics: z.boolean().default(false),
  upstream_health_metrics: z.boolean().default(false),
  ai_metrics: z.boolean().default(false),
});

export type PrometheusConfig = z.infer<typeof configSchema>;

// Kong's latency buckets (ms).
const LATENCY_BUCKETS_MS = [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000];

/**
 * Kong `prometheus` (priority 13) with Kong's metric names: `kong_http_requests_total`
 * (status_code_metrics), `kong_request_latency_ms` and `kong_upstream_latency_ms`
 * (latency_metrics), `kong_bandwidth_bytes` (bandwidth_metrics, from Content-Length headers).
 * Served at `GET /metrics` of the status server (Kong's Status API; EDGE_STATUS_PORT), never on the proxy port.
 * Consumers do not exist locally, so the `consumer` label is always empty.
 */
export const prometheusPlugin = defineEdgePlugin<PrometheusConfig>({
  name: 'prometheus',
  priority: 13,
  configSchema,
  install(app, scope) {
    if (!scope.inUse) return;
    const registry = new Registry();
    const requests = new Counter({
      name: 'kong_http_requests_total',
      help: 'HTTP status codes per consumer/service/route in Kong',
      labelNames: ['service', 'route', 'code', 'source', 'workspace', 'consumer'],
      registers: [registry],
    });
    const requestLatency = new Histogram({
      name: 'kong_request_latency_ms',
      help: 'Total latency incurred during requests for each service/route in Kong',
      labelNames: ['service', 'route', 'workspace'],
      buckets: LATENCY_BUCKETS_MS,
      registers: [registry],
    });
    const upstreamLatency = new Histogram({
      name: 'kong_upstream_latency_ms',
      help: 'Latency added by upstream response for each service/route in Kong',
      labelNames: ['service', 'route', 'workspace'],
      buckets: LATENCY_BUCKETS_MS,
      registers: [registry],
    });
    const bandwidth = new Counter({
      name: 'kong_bandwidth_bytes',
      help: 'Total bandwidth (ingress/egress) throughput in bytes',
      labelNames: ['service', 'route', 'direction', 'workspace', 'consumer'],
      registers: [registry],
    });

    scope.status.get('/metrics', async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );

    app.addHook('onResponse', async (request, reply) => {
      const config = scope.configFor(request);
      const context = request.edge;
      if (config === undefined || context === null) return;
      const labels = { service: context.route.service.name, route: context.route.label, workspace: 'default' };
      if (config.status_code_metrics) {
        const source = context.upstreamLatencyMs === undefined ? 'kong' : 'service';
        requests.inc({ ...labels, code: String(reply.statusCode), source, consumer: '' });
      }
      if (config.latency_metrics) {
        requestLatency.observe(labels, reply.elapsedTime);
        if (context.upstreamLatencyMs !== undefined) upstreamLatency.observe(labels, context.upstreamLatencyMs);
      }
      if (config.bandwidth_metrics) {
        const ingress = Number(request.headers['content-length'] ?? context.bufferedBody?.length ?? 0);
        const egress = Number(reply.getHeader('content-length') ?? 0);
        if (ingress > 0) bandwidth.inc({ ...labels, direction: 'ingress', consumer: '' }, ingress);
        if (egress > 0) bandwidth.inc({ ...labels, direction: 'egress', consumer: '' }, egress);
      }
    });
  },
});
