/**
 * OpenTelemetry bootstrap, loaded before the application with
 *   node --import ./dist/libs/platform/telemetry/src/register.js --import ./tools/register.mjs main.js
 *
 * Order matters (TOOLING-NOTES, Observability): the import-in-the-middle ESM hook of
 * `@opentelemetry/instrumentation` must be registered first; only then are the SDK and the
 * instrumentations imported (dynamically) and started, before any application module loads.
 * Without the hook, ESM-imported kafkajs, grpc-js and pino stay unpatched and spans vanish silently.
 *
 * Off (nothing registered, nothing imported) unless an exporter endpoint is configured — see
 * {@link telemetryEnabled}. Everything else comes from the standard OpenTelemetry environment
 * variables (`OTEL_SERVICE_NAME`, `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_EXPORTER`,
 * `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_RESOURCE_ATTRIBUTES` …).
 */
import { register } from 'node:module';
import { telemetryEnabled } from './telemetry-env.js';

if (telemetryEnabled(process.env)) {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const { startTelemetry } = await import('./telemetry-sdk.js');
  startTelemetry(process.env);
}
