import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GRPC_RETRY_POLICY as policy, retryDelayMs, shouldRetry } from './grpc-retry.policy.js';

describe('retryDelayMs', () => {
  it('grows the bound exponentially from the initial backoff and caps it', () => {
    const max = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6, 10].map((retry) => retryDelayMs(retry, policy, max))).toEqual([49, 99, 199, 399, 799, 999, 999]);
  });

  it('draws the delay uniformly below the bound (full jitter)', () => {
    expect(retryDelayMs(3, policy, () => 0)).toBe(0);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(100);
  });
});

describe('shouldRetry', () => {
  it('retries UNAVAILABLE for idempotent methods while attempts remain', () => {
    expect(shouldRetry(status.UNAVAILABLE, 1, true, policy)).toBe(true);
    expect(shouldRetry(status.UNAVAILABLE, 2, true, policy)).toBe(true);
    expect(shouldRetry(status.UNAVAILABLE, 3, true, policy)).toBe(false);
  });

  it('never retries a non-idempotent method', () => {
    expect(shouldRetry(status.UNAVAILABLE, 1, false, policy)).toBe(false);
  });

  it('does not retry statuses where the server may have acted or the answer is final', () => {
    for (const code of [status.DEADLINE_EXCEEDED, status.NOT_FOUND, status.INTERNAL, status.UNKNOWN, status.ABORTED]) {
      expect(shouldRetry(code, 1, true, policy)).toBe(false);
    }
  });
});
