import type { Span } from '@opentelemetry/api';
import {
  contextFromTraceparent,
  DomainAttributes,
  inSpan,
  linkTo,
  MessagingAttributes,
  SpanKind,
  traceparentOf,
} from '@archipelago/platform-telemetry';
import type { IncomingMessage } from './message.types.js';

/** Transport names as the messaging semantic conventions' `messaging.system` (the outbox log: ours). */
export type MessagingSystem = 'kafka' | 'archipelago.outbox';

function messageAttributes(message: IncomingMessage, group: string, system: MessagingSystem) {
  return {
    [MessagingAttributes.system]: system,
    [MessagingAttributes.operationType]: 'process',
    [MessagingAttributes.operationName]: 'process',
    [MessagingAttributes.destination]: message.topic,
    [MessagingAttributes.messageId]: message.id,
    [MessagingAttributes.consumerGroup]: group,
    [MessagingAttributes.kafkaKey]: message.key,
    [DomainAttributes.aggregateId]: message.key,
    [DomainAttributes.eventType]: message.type,
    ...(message.headers['x-correlation-id'] ? { [DomainAttributes.correlationId]: message.headers['x-correlation-id'] } : {}),
  };
}

/**
 * Runs a consumer's handling of one message (all its attempts, and its dead-lettering) in a CONSUMER
 * span "process <topic>" whose parent is the message's `traceparent` header — the producer's span —
 * so the consumer's own writes continue the flow's trace (OpenTelemetry messaging semantic
 * conventions; a message handled alone has its producer as parent, no link needed).
 */
export function inProcessSpan<T>(
  message: IncomingMessage,
  group: string,
  system: MessagingSystem,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return inSpan(
    `process ${message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      parent: contextFromTraceparent(message.headers.traceparent),
      attributes: messageAttributes(message, group, system),
    },
    fn,
  );
}

/**
 * Runs the replay of a dead letter in a new trace: a root span "replay <topic>" linked to the
 * original delivery's span (and naming its trace id in `archipelago.replay_of_trace_id`, for
 * backends without links). `fn` gets the message with `traceparent` pointing at the replay span.
 */
export function inReplaySpan<T>(
  message: IncomingMessage,
  group: string,
  system: MessagingSystem,
  kind: SpanKind,
  fn: (replayed: IncomingMessage) => Promise<T>,
): Promise<T> {
  const original = message.headers.traceparent;
  const link = linkTo(original, { 'archipelago.link': 'replay-of' });
  return inSpan(
    `replay ${message.topic}`,
    {
      kind,
      root: true,
      links: link ? [link] : [],
      attributes: {
        ...messageAttributes(message, group, system),
        [MessagingAttributes.operationType]: kind === SpanKind.PRODUCER ? 'send' : 'process',
        [MessagingAttributes.operationName]: 'replay',
        ...(link ? { [DomainAttributes.replayOfTraceId]: link.context.traceId } : {}),
      },
    },
    async () => {
      const traceparent = traceparentOf();
      const headers = { ...message.headers };
      if (traceparent) headers.traceparent = traceparent;
      return fn({ ...message, headers });
    },
  );
}
