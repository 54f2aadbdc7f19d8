import { FastifyOtelInstrumentation } from '@fastify/otel';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { envDetector, resourceFromAttributes, serviceInstanceIdDetector } from '@opentelemetry/resources';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { type Env, resourceAttributes, untracedPath } from './telemetry-env.js';

/**
 * The SDK configuration {@link startTelemetry} uses: the resource, its detectors and the
 * instrumentations (the exporter, sampler and batch processor come from the `OTEL_*` environment).
 *
 * Cost (docs/performance.md §e, `npm run bench -- tracing`): no `pg.connect`/`pg-pool.connect`
 * span per query (`ignoreConnectSpans`; the query span holds the wait), and resource detectors
 * `env` + `serviceInstanceId` only unless `OTEL_NODE_RESOURCE_DETECTORS` says otherwise — the
 * SDK's default (`all`: host, os, process) adds ~20 attributes, among them the whole command line,
 * which the Zipkin exporter copies into the tags of every span. In Kubernetes the collector's
 * `k8sattributes` processor is the place for pod and node attributes.
 *
 * Creating the instrumentations enables them (they patch modules as they load).
 */
export function telemetryConfiguration(
  env: Env,
): Pick<NodeSDKConfiguration, 'resource' | 'instrumentations'> &
  Partial<Pick<NodeSDKConfiguration, 'resourceDetectors'>> {
  return {
    resource: resourceFromAttributes(resourceAttributes(env)),
    // The standard variable still wins when set (e.g. `all`, or `env,host`).
    ...(env.OTEL_NODE_RESOURCE_DETECTORS ? {} : { resourceDetectors: [envDetector, serviceInstanceIdDetector] }),
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
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false, ignoreConnectSpans: true }),
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch'] }),
      new KafkaJsInstrumentation(),
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  };
}

/**
 * Starts the OpenTelemetry Node SDK for traces: the exporter and the sampler come from the standard
 * environment (`OTEL_TRACES_EXPORTER` otlp|zipkin|console, `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_TRACES_SAMPLER`/`_ARG`, `OTEL_BSP_*`); metrics and logs stay
 * with Prometheus and pino (their OTel exporters default to `none` here). Instrumentations
 * ({@link telemetryConfiguration}): HTTP (server; probes and scrapes left out), Fastify
 * (`@fastify/otel`: request and handler spans), undici/fetch, pg (only inside a traced operation: a
 * poller's queries are no trace of their own; no connect spans), grpc-js, kafkajs, pino
 * (`trace_id`, `span_id`, `trace_flags` on every line logged inside a span).
 * Flushes and stops on SIGTERM/SIGINT before the process's own handlers finish (best effort).
 */
export function startTelemetry(env: Env): NodeSDK {
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const sdk = new NodeSDK(telemetryConfiguration(env));
  sdk.start();
  const shutdown = () => void sdk.shutdown().catch(() => undefined);
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.once('beforeExit', shutdown);
  return sdk;
}
