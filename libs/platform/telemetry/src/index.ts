export {
  contextFromTraceparent,
  DomainAttributes,
  inSpan,
  type InSpanOptions,
  linkTo,
  MessagingAttributes,
  platformTracer,
  SpanKind,
  traceparentOf,
} from './tracing.js';
export { resourceAttributes, telemetryEnabled, untracedPath } from './telemetry-env.js';
