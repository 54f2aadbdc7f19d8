import type { FastifyInstance } from 'fastify';
import { platformCounter, platformHistogram } from './platform-metrics.registry.js';

/** Route label of requests that matched no route, so scanners cannot blow up label cardinality. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * RED metrics for every HTTP request, recorded when the response is sent:
 * `http_requests_total{method,route,status}`, `http_request_duration_seconds{method,route,status}` and the
 * same histogram under its standard name `http_server_request_duration_seconds{method,route,status}`.
 * `route` is the route template (`/products/:id`), never the raw URL.
 */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  const requests = platformCounter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'],
  });
  const duration = platformHistogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  // The OpenTelemetry HTTP semantic-convention name (http.server.request.duration, in seconds).
  const serverDuration = platformHistogram({
    name: 'http_server_request_duration_seconds',
    help: 'HTTP server request duration in seconds, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status: String(reply.statusCode),
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    serverDuration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}
