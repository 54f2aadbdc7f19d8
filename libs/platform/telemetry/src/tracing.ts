import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
} from '@opentelemetry/api';

/**
 * Span attribute names of the platform's domain ids, so a trace can be found by them (Zipkin/Jaeger
 * tag search). Messaging attributes follow the OpenTelemetry messaging semantic conventions.
 */
export const DomainAttributes = {
  /** Aggregate id a message or event belongs to (e.g. the order id): the message key. */
  aggregateId: 'archipelago.aggregate_id',
  /** Event-store stream id. */
  streamId: 'archipelago.stream_id',
  /** Event (or CloudEvents) type, e.g. `archipelago.commerce.ordering.OrderPlacedV1`. */
  eventType: 'archipelago.event_type',
  /** Correlation id of the business flow (`x-correlation-id`). */
  correlationId: 'archipelago.correlation_id',
  /** On a replayed dead letter: trace id of the original delivery (also linked). */
  replayOfTraceId: 'archipelago.replay_of_trace_id',
} as const;

/** Messaging semantic-convention attribute names used by the platform. */
export const MessagingAttributes = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  messageId: 'messaging.message.id',
  consumerGroup: 'messaging.consumer.group.name',
  batchCount: 'messaging.batch.message_count',
  kafkaKey: 'messaging.kafka.message.key',
} as const;

/** The tracer of the platform's own spans (messaging, event store). No-op while the SDK is off. */
export function platformTracer() {
  return trace.getTracer('@archipelago/platform');
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C `traceparent` (https://www.w3.org/TR/trace-context/) of the span active in `ctx` (default:
 * the current context), or `undefined` when there is no valid span — e.g. the SDK is off.
 */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const span = trace.getSpanContext(ctx);
  if (!span || !isSpanContextValid(span)) return undefined;
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * A context whose (remote) parent span is the one described by a W3C `traceparent` string (version
 * 00), or the root context when it is missing or malformed.
 */
export function contextFromTraceparent(traceparent: string | undefined, base: Context = ROOT_CONTEXT): Context {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null;
  if (!match) return base;
  const spanContext = { traceId: match[1]!, spanId: match[2]!, traceFlags: Number.parseInt(match[3]!, 16) as TraceFlags, isRemote: true };
  return isSpanContextValid(spanContext) ? trace.setSpanContext(base, spanContext) : base;
}

/** A span link to the span described by `traceparent`, or `undefined` when it is not valid. */
export function linkTo(traceparent: string | undefined, attributes?: Attributes): Link | undefined {
  const span = trace.getSpanContext(contextFromTraceparent(traceparent));
  return span ? { context: span, ...(attributes ? { attributes } : {}) } : undefined;
}

/** Options of {@link inSpan}. */
export interface InSpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  readonly links?: readonly Link[];
  /** Parent context (default: the active one). */
  readonly parent?: Context;
  /** Start a new trace (links still apply). */
  readonly root?: boolean;
}

/**
 * Runs `fn` inside a new span named `name`: the span is active while `fn` runs, gets an ERROR status
 * and the exception when `fn` throws (the error is rethrown), and is ended when `fn` settles.
 * Costs one no-op object while the SDK is off.
 */
export async function inSpan<T>(name: string, options: InSpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = platformTracer().startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links ? [...options.links] : undefined, root: options.root },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind };
