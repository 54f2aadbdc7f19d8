import { FastifyOtelInstrumentation } from '@fastify/otel';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { type Env, resourceAttributes, untracedPath } from './telemetry-env.js';

/**
 * Starts the OpenTelemetry Node SDK for traces: the exporter and the sampler come from the standard
 * environment (`OTEL_TRACES_EXPORTER` otlp|zipkin|console, `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_TRACES_SAMPLER`/`_ARG`); metrics and logs stay with
 * Prometheus and pino (their OTel exporters default to `none` here). Instrumentations: HTTP
 * (server; probes and scrapes left out), Fastify (`@fastify/otel`: request and handler spans),
 * undici/fetch, pg (only inside a traced operation: a poller's queries are no trace of their own),
 * grpc-js, kafkajs, pino (`trace_id`, `span_id`, `trace_flags` on every line logged inside a span).
 * Flushes and stops on SIGTERM/SIGINT before the process's own handlers finish (best effort).
 */
export function startTelemetry(env: Env): NodeSDK {
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const sdk = new NodeSDK({
    resource: resourceFromAttributes(resourceAttributes(env)),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => untracedPath(request.url),
        requireParentforOutgoingSpans: true,
      }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        instrumentHooks: false,
        ignorePaths: (route) => untracedPath(route.url),
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch'] }),
      new KafkaJsInstrumentation(),
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  sdk.start();
  const shutdown = () => void sdk.shutdown().catch(() => undefined);
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.once('beforeExit', shutdown);
  return sdk;
}
