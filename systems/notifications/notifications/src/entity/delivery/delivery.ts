/**
 * Outbound deliveries (e-mail, web push): what becomes of one attempt, and the retry policy shared
 * by every channel. Pure TypeScript.
 */

/** What became of a claimed delivery. */
export type DeliveryOutcome =
  | { readonly kind: 'sent'; readonly at: string }
  | { readonly kind: 'retry'; readonly attempts: number; readonly nextAttemptAt: string; readonly error: string }
  | { readonly kind: 'dead'; readonly attempts: number; readonly error: string }
  /**
   * The destination no longer exists (web push: the push service answered 404/410, or the
   * subscription was deleted): the delivery ends, not retried, and the destination is forgotten.
   */
  | { readonly kind: 'gone'; readonly attempts: number; readonly error: string };

/** Retry policy of a channel's deliveries. */
export interface RetryPolicy {
  /** Attempts before a delivery is dead (and gets a dead-letter record). */
  readonly maxAttempts: number;
  /** Backoff before the 2nd attempt (ms), doubled per attempt up to `maxBackoffMs`. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

/** Backoff before attempt `attempt + 1` (1-based `attempt`), in ms: exponential with a cap. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
}

/**
 * The outcome of attempt number `attempts` (1-based) that failed at `now` (ISO 8601) with a
 * retryable `error`: retried after {@link backoffMs} (or `minDelayMs`, when the destination asked
 * for longer, e.g. `Retry-After`), or `dead` once `maxAttempts` is reached.
 */
export function afterFailure(
  policy: RetryPolicy,
  attempts: number,
  now: string,
  error: unknown,
  minDelayMs = 0,
): DeliveryOutcome {
  const message = error instanceof Error ? error.message : String(error);
  if (attempts >= policy.maxAttempts) return { kind: 'dead', attempts, error: message };
  const delay = Math.max(backoffMs(policy, attempts), minDelayMs);
  const nextAttemptAt = new Date(Date.parse(now) + delay).toISOString();
  return { kind: 'retry', attempts, nextAttemptAt, error: message };
}
