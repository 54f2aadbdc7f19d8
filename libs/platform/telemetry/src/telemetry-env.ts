/** Environment as `process.env` holds it. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Whether tracing is on: `OTEL_SDK_DISABLED` is not `true`, and an exporter has somewhere to send
 * to — `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (OTLP, the default
 * exporter), or `OTEL_TRACES_EXPORTER=zipkin` with `OTEL_EXPORTER_ZIPKIN_ENDPOINT`, or
 * `OTEL_TRACES_EXPORTER=console`. With none of these set the SDK is not even loaded.
 */
export function telemetryEnabled(env: Env): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',').map((s) => s.trim().toLowerCase());
  if (exporters.includes('none')) return false;
  if (exporters.includes('console')) return true;
  if (exporters.includes('zipkin') && env.OTEL_EXPORTER_ZIPKIN_ENDPOINT) return true;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Resource attributes of a service process (OpenTelemetry semantic conventions):
 * `service.name` (`OTEL_SERVICE_NAME`, else `SERVICE_NAME`), `service.namespace` = the system
 * (`SYSTEM`), `deployment.environment.name` (`DEPLOYMENT_ENVIRONMENT`, else `local`).
 * `OTEL_RESOURCE_ATTRIBUTES` still applies on top (the SDK's env detector).
 */
export function resourceAttributes(env: Env): Record<string, string> {
  const name = env.OTEL_SERVICE_NAME || env.SERVICE_NAME;
  return {
    ...(name ? { 'service.name': name } : {}),
    ...(env.SYSTEM ? { 'service.namespace': env.SYSTEM } : {}),
    'deployment.environment.name': env.DEPLOYMENT_ENVIRONMENT || 'local',
  };
}

// Probes and scrapes: never traced (they would drown the traces that matter).
const UNTRACED_PATH = /^\/(health(\/(live|ready))?|metrics|status)(\?|$)/;

/** Whether an incoming request path is left untraced (health probes, metrics scrapes). */
export function untracedPath(url: string | undefined): boolean {
  return UNTRACED_PATH.test(url ?? '');
}
