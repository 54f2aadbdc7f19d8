/**
 * An integration event to publish, written to the outbox in the same transaction as the change
 * that caused it. Topic names follow `<system>.<service>.<event-name>.v<major>`; `key` is the
 * aggregate id, so one aggregate's messages stay in order.
 */
export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  /** CloudEvents `type`, e.g. `archipelago.commerce.catalog.ProductCreatedV1`. */
  readonly type: string;
  readonly payload: unknown;
  /** CloudEvents `id`; defaults to a random UUID. Consumers deduplicate on it. */
  readonly id?: string;
  /** W3C trace context of the request that produced the message. */
  readonly traceparent?: string;
  /** Extra headers (strings), e.g. correlation id. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A message as a consumer receives it, whichever transport carried it. Fields mirror the
 * CloudEvents 1.0 context attributes carried in binary mode (`ce_*` headers).
 */
export interface IncomingMessage<Payload = unknown> {
  readonly id: string;
  readonly topic: string;
  readonly key: string;
  readonly type: string;
  readonly source: string;
  readonly time: string;
  readonly payload: Payload;
  readonly headers: Readonly<Record<string, string>>;
}

/** Handles one message; throwing means "not processed" and leads to a retry, then the dead-letter topic. */
export type MessageHandler = (message: IncomingMessage) => Promise<void>;

/** A running subscription of a consumer group. */
export interface Subscription {
  stop(): Promise<void>;
}

/** Retry policy of consumers before a message is dead-lettered. */
export interface RetryPolicy {
  /** Attempts before dead-lettering (default 5). */
  maxAttempts: number;
  /** First backoff in ms, doubled per attempt (default 100). */
  initialBackoffMs: number;
  /** Cap of the backoff in ms (default 5000). */
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 5_000 };

/** Backoff before attempt `attempt + 1` (attempt is 1-based), exponential with a cap. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
}

/** Name of the dead-letter topic of `topic`. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/**
 * Splits a topic named `<system>.<service>.<event-name>.v<major>` into its parts.
 * @throws Error when the name does not follow the convention.
 */
export function parseTopic(topic: string): { system: string; service: string; event: string; major: number } {
  const match = /^([a-z][a-z0-9-]*)\.([a-z][a-z0-9-]*)\.([a-z][a-z0-9-]*)\.v(\d+)$/.exec(topic);
  if (!match) throw new Error(`Topic ${topic} does not follow <system>.<service>.<event-name>.v<major>`);
  return { system: match[1]!, service: match[2]!, event: match[3]!, major: Number(match[4]) };
}
