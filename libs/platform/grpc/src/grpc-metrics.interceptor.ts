import { type ServerInterceptor, ServerInterceptingCall, status as GrpcStatus } from '@grpc/grpc-js';
import { Histogram, type Registry } from 'prom-client';

/** Name of the RPC server duration histogram (OpenTelemetry `rpc.server.call.duration`, Prometheus style). */
export const RPC_SERVER_DURATION = 'rpc_server_call_duration_seconds';

/**
 * A grpc-js server interceptor recording `rpc_server_call_duration_seconds{rpc_service,rpc_method,rpc_grpc_status_code}`
 * (histogram, seconds from the call's arrival to its status) on `registry`; `rpc_grpc_status_code`
 * is the status name (`OK`, `NOT_FOUND` …). The health service's calls are left out (probes).
 * Calling it again with the same registry reuses the histogram.
 */
export function grpcMetricsInterceptor(registry: Registry): ServerInterceptor {
  const histogram =
    (registry.getSingleMetric(RPC_SERVER_DURATION) as Histogram<'rpc_service' | 'rpc_method' | 'rpc_grpc_status_code'> | undefined) ??
    new Histogram({
      name: RPC_SERVER_DURATION,
      help: 'gRPC server call duration in seconds, by service, method and status code.',
      labelNames: ['rpc_service', 'rpc_method', 'rpc_grpc_status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  return (descriptor, call) => {
    // path: /archipelago.commerce.catalog.v1.CatalogService/GetProducts
    const [, service = 'unknown', method = 'unknown'] = descriptor.path.split('/');
    if (service === 'grpc.health.v1.Health') return new ServerInterceptingCall(call);
    const started = process.hrtime.bigint();
    return new ServerInterceptingCall(call, {
      sendStatus: (status, next) => {
        histogram.observe(
          { rpc_service: service, rpc_method: method, rpc_grpc_status_code: GrpcStatus[status.code] ?? String(status.code) },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
        next(status);
      },
    });
  };
}
