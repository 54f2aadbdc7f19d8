import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { resourceAttributes, telemetryEnabled, untracedPath } from './telemetry-env.js';
import { contextFromTraceparent, inSpan, linkTo, traceparentOf } from './tracing.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('telemetryEnabled', () => {
  it('is off without an exporter endpoint, and when disabled', () => {
    expect(telemetryEnabled({})).toBe(false);
    expect(telemetryEnabled({ OTEL_TRACES_EXPORTER: 'zipkin' })).toBe(false);
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(
      false,
    );
  });

  it('is on with an OTLP endpoint, a Zipkin endpoint, or the console exporter', () => {
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(true);
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toBe(true);
    expect(
      telemetryEnabled({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://z:9411/api/v2/spans' }),
    ).toBe(true);
    expect(telemetryEnabled({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
  });
});

describe('resourceAttributes', () => {
  it('names the service, its system as namespace, and the environment', () => {
    expect(resourceAttributes({ SERVICE_NAME: 'catalog', SYSTEM: 'commerce', DEPLOYMENT_ENVIRONMENT: 'prod' })).toEqual(
      {
        'service.name': 'catalog',
        'service.namespace': 'commerce',
        'deployment.environment.name': 'prod',
      },
    );
    expect(resourceAttributes({ OTEL_SERVICE_NAME: 'edge', SERVICE_NAME: 'x' })).toEqual({
      'service.name': 'edge',
      'deployment.environment.name': 'local',
    });
  });
});

describe('untracedPath', () => {
  it('leaves probes and scrapes out, nothing else', () => {
    for (const path of ['/health', '/health/live', '/health/ready?x=1', '/metrics', '/status'])
      expect(untracedPath(path)).toBe(true);
    for (const path of ['/healthy', '/commerce/v1/orders', '/metrics/x', undefined])
      expect(untracedPath(path)).toBe(false);
  });
});

describe('trace context helpers (W3C Trace Context)', () => {
  it('round-trips a traceparent through a context', () => {
    const ctx = contextFromTraceparent(TP);
    expect(trace.getSpanContext(ctx)).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(traceparentOf(ctx)).toBe(TP);
  });

  it('ignores malformed or all-zero traceparents', () => {
    for (const bad of [
      undefined,
      '',
      'garbage',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    ]) {
      expect(contextFromTraceparent(bad)).toBe(ROOT_CONTEXT);
      expect(linkTo(bad)).toBeUndefined();
    }
    expect(traceparentOf(ROOT_CONTEXT)).toBeUndefined();
  });

  it('links to a traceparent', () => {
    expect(linkTo(TP, { a: 'b' })).toEqual({
      context: expect.objectContaining({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }),
      attributes: { a: 'b' },
    });
  });

  it('inSpan without an SDK keeps the parent context and rethrows', async () => {
    // The no-op tracer's span carries the parent's context: a relay without SDK forwards the stored traceparent.
    const seen = await inSpan('x', { parent: contextFromTraceparent(TP) }, async (span) =>
      traceparentOf(trace.setSpan(ROOT_CONTEXT, span)),
    );
    expect(seen).toBe(TP);
    expect(await inSpan('z', {}, async () => traceparentOf(context.active()))).toBeUndefined();
    await expect(inSpan('y', {}, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});

describe('telemetryConfiguration (what tracing costs per call, docs/performance.md §e)', () => {
  const configure = async (env: Record<string, string>) => {
    const { telemetryConfiguration } = await import('./telemetry-sdk.js');
    const configuration = telemetryConfiguration(env);
    for (const instrumentation of configuration.instrumentations!.flat()) instrumentation.disable();
    return configuration;
  };

  it('detects only the environment and the service instance id unless OTEL_NODE_RESOURCE_DETECTORS says otherwise', async () => {
    const { envDetector, serviceInstanceIdDetector } = await import('@opentelemetry/resources');
    expect((await configure({ SERVICE_NAME: 'catalog' })).resourceDetectors).toEqual([
      envDetector,
      serviceInstanceIdDetector,
    ]);
    expect(
      (await configure({ SERVICE_NAME: 'catalog', OTEL_NODE_RESOURCE_DETECTORS: 'all' })).resourceDetectors,
    ).toBeUndefined();
  });

  it('records pg query spans only inside a trace, and no connect spans', async () => {
    const pg = (await configure({}))
      .instrumentations!.flat()
      .find((i) => i.instrumentationName.endsWith('instrumentation-pg'));
    expect(pg?.getConfig()).toMatchObject({ requireParentSpan: true, ignoreConnectSpans: true });
  });
});
