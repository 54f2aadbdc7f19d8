import { findUnstorableString } from '@archipelago/util-safe-text';
import { backoffMs, type IncomingMessage, type MessageHandler, type RetryPolicy } from './message.types.js';

/** Outcome of delivering one message to a handler with retries. */
export type DeliveryOutcome = { ok: true } | { ok: false; attempts: number; error: unknown };

/**
 * A message whose payload, key or id carries a string that cannot be stored (U+0000 or an unpaired
 * surrogate, see `findUnstorableString`): it is dead-lettered at once, without calling the handler
 * (every attempt would fail the same way, or store a mangled value).
 */
export class UnstorableMessageError extends Error {
  override readonly name = 'UnstorableMessageError';
  /** @param pointer RFC 6901 JSON Pointer into `{ id, key, payload }`, e.g. `/payload/lines/0/name`. */
  constructor(
    readonly pointer: string,
    reason: string,
  ) {
    super(`message field ${pointer} ${reason}`);
  }
}

/**
 * Calls `handler` until it succeeds or `policy.maxAttempts` is reached, waiting with exponential
 * backoff between attempts. Never throws: the caller dead-letters a failed outcome. A message with
 * an unstorable string fails at once with {@link UnstorableMessageError} and `attempts: 0`.
 */
export async function deliverWithRetry(
  handler: MessageHandler,
  message: IncomingMessage,
  policy: RetryPolicy,
  isStopping: () => boolean = () => false,
): Promise<DeliveryOutcome> {
  const unstorable = findUnstorableString({ id: message.id, key: message.key, payload: message.payload });
  if (unstorable) {
    return { ok: false, attempts: 0, error: new UnstorableMessageError(unstorable.pointer, unstorable.message) };
  }
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
