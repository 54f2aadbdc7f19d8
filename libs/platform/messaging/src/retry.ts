import { backoffMs, type IncomingMessage, type MessageHandler, type RetryPolicy } from './message.types.js';

/** Outcome of delivering one message to a handler with retries. */
export type DeliveryOutcome = { ok: true } | { ok: false; attempts: number; error: unknown };

/**
 * Calls `handler` until it succeeds or `policy.maxAttempts` is reached, waiting with exponential
 * backoff between attempts. Never throws: the caller dead-letters a failed outcome.
 */
export async function deliverWithRetry(
  handler: MessageHandler,
  message: IncomingMessage,
  policy: RetryPolicy,
  isStopping: () => boolean = () => false,
): Promise<DeliveryOutcome> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    try {
      await handler(message);
      return { ok: true };
    } catch (error) {
      lastError = error;
      if (attempt < policy.maxAttempts && !isStopping()) {
        await new Promise((resolve) => setTimeout(resolve, backoffMs(policy, attempt)));
      }
    }
  }
  return { ok: false, attempts: policy.maxAttempts, error: lastError };
}

/** A one-line description of an error for dead-letter headers and rows. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 2000);
  return String(error).slice(0, 2000);
}
