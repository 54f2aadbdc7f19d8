import { describe, expect, it } from 'vitest';
import { retryingRetriable } from './messaging.js';

const retriable = (message: string) => Object.assign(new Error(message), { retriable: true });

describe('retryingRetriable (broker calls at start-up)', () => {
  it('tries again while kafkajs marks the error retriable, and returns the first success', async () => {
    const errors = [retriable('UNKNOWN_TOPIC_OR_PARTITION'), retriable('LEADER_NOT_AVAILABLE')];
    let calls = 0;
    const value = await retryingRetriable(
      async () => {
        calls++;
        const error = errors.shift();
        if (error) throw error;
        return 'subscribed';
      },
      5,
      1,
    );
    expect(value).toBe('subscribed');
    expect(calls).toBe(3);
  });

  it('throws a non-retriable error at once, and a retriable one after the last attempt', async () => {
    let calls = 0;
    const fatal = new Error('SASL_AUTHENTICATION_FAILED');
    await expect(
      retryingRetriable(
        async () => {
          calls++;
          throw fatal;
        },
        5,
        1,
      ),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retryingRetriable(
        async () => {
          calls++;
          throw retriable(`attempt ${calls}`);
        },
        3,
        1,
      ),
    ).rejects.toThrow('attempt 3');
    expect(calls).toBe(3);
  });
});
