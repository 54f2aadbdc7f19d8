import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from './message.types.js';
import { deliverWithRetry, describeError, UnstorableMessageError } from './retry.js';

const policy = { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 1 };
const message = (payload: unknown, key = 'k'): IncomingMessage => ({
  id: 'm-1',
  topic: 't',
  key,
  type: 'x',
  source: 's',
  time: '2026-01-01T00:00:00Z',
  payload,
  headers: {},
});

describe('deliverWithRetry', () => {
  it('dead-letters a message with a NUL or a lone surrogate at once, naming the field, without calling the handler', async () => {
    let calls = 0;
    const handler = async () => {
      calls++;
    };
    const nul = await deliverWithRetry(handler, message({ lines: [{ name: 'a\u0000b' }] }), policy);
    expect(nul).toMatchObject({ ok: false, attempts: 0 });
    const error = (nul as { error: unknown }).error;
    expect(error).toBeInstanceOf(UnstorableMessageError);
    expect(describeError(error)).toBe(
      'UnstorableMessageError: message field /payload/lines/0/name must not contain the NUL character (U+0000)',
    );
    const surrogate = await deliverWithRetry(handler, message({}, 'key-\ud800'), policy);
    expect((surrogate as { error: UnstorableMessageError }).error.pointer).toBe('/key');
    expect(calls).toBe(0);
    // The next message is handled normally: the consumer keeps going.
    expect(await deliverWithRetry(handler, message({ lines: [{ name: 'ab' }] }), policy)).toEqual({ ok: true });
    expect(calls).toBe(1);
  });

  it('retries a failing handler up to maxAttempts', async () => {
    let calls = 0;
    const outcome = await deliverWithRetry(async () => {
      calls++;
      throw new Error('down');
    }, message({}), policy);
    expect(outcome).toMatchObject({ ok: false, attempts: 3 });
    expect(calls).toBe(3);
  });
});
