import { status } from '@grpc/grpc-js';

/** Retry policy for unary calls, after gRFC A6 (client-side retries). Durations in milliseconds. */
export interface GrpcRetryPolicy {
  /** Attempts in total, the first one included (A6 caps it at 5). Default 3. */
  readonly maxAttempts: number;
  /** Upper bound of the delay before the first retry. Default 50 ms. */
  readonly initialBackoffMs: number;
  /** Upper bound of any delay. Default 1000 ms. */
  readonly maxBackoffMs: number;
  /** Growth of the bound per retry. Default 2. */
  readonly backoffMultiplier: number;
  /** Status codes worth retrying. Default `[UNAVAILABLE]`: the server did not process the call. */
  readonly retryableStatusCodes: readonly status[];
}

/** Defaults of {@link GrpcRetryPolicy}: 3 attempts, 50 ms → 1 s exponential backoff, UNAVAILABLE only. */
export const DEFAULT_GRPC_RETRY_POLICY: GrpcRetryPolicy = {
  maxAttempts: 3,
  initialBackoffMs: 50,
  maxBackoffMs: 1_000,
  backoffMultiplier: 2,
  retryableStatusCodes: [status.UNAVAILABLE],
};

/**
 * Delay before retry number `retry` (1 for the first retry): a uniformly random value in
 * `[0, min(initialBackoffMs * backoffMultiplier^(retry-1), maxBackoffMs))` ("full jitter", as in
 * gRFC A6), so that clients which failed together do not come back together.
 *
 * @param random source of uniform values in [0, 1); injectable for tests.
 */
export function retryDelayMs(retry: number, policy: GrpcRetryPolicy, random: () => number = Math.random): number {
  const bound = Math.min(policy.initialBackoffMs * policy.backoffMultiplier ** Math.max(0, retry - 1), policy.maxBackoffMs);
  return Math.floor(random() * bound);
}

/**
 * Whether a failed attempt may be retried: only idempotent methods, only for a retryable status,
 * only while attempts remain. `attempt` counts the attempt that just failed, starting at 1.
 * The caller also checks that the call's deadline leaves room for the delay.
 */
export function shouldRetry(code: status, attempt: number, idempotent: boolean, policy: GrpcRetryPolicy): boolean {
  return idempotent && attempt < policy.maxAttempts && policy.retryableStatusCodes.includes(code);
}
