import { describe, expect, it } from 'vitest';
import { HashingBusyError, type PasswordHasherPort } from '../use-case/port/password-hasher.port.js';
import { BoundedPasswordHasher } from './bounded.password-hasher.js';

/** A hasher whose every call waits until released, to hold the queue in a known state. */
function gatedHasher() {
  const gates: Array<() => void> = [];
  let started = 0;
  const hasher: PasswordHasherPort = {
    hash: (secret) => {
      started += 1;
      return new Promise((resolve) => gates.push(() => resolve(`h:${secret}`)));
    },
    verify: async () => true,
  };
  return { hasher, gates, started: () => started };
}

describe('BoundedPasswordHasher', () => {
  it('runs `concurrency` at once, queues `maxQueued`, refuses the next with HashingBusyError', async () => {
    const inner = gatedHasher();
    const bounded = new BoundedPasswordHasher(inner.hasher, { concurrency: 1, maxQueued: 2, retryAfterSeconds: 3 });
    const first = bounded.hash('a');
    const queued = [bounded.hash('b'), bounded.hash('c')];
    const refused = await bounded.hash('d').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HashingBusyError);
    expect((refused as HashingBusyError).retryAfterSeconds).toBe(3);
    expect(bounded.load).toEqual({ running: 1, queued: 2 });
    expect(inner.started()).toBe(1);
    inner.gates.shift()!();
    expect(await first).toBe('h:a');
    await new Promise((r) => setImmediate(r));
    expect(inner.started()).toBe(2);
    inner.gates.shift()!();
    await new Promise((r) => setImmediate(r));
    inner.gates.shift()!();
    expect(await Promise.all(queued)).toEqual(['h:b', 'h:c']);
    expect(bounded.load).toEqual({ running: 0, queued: 0 });
  });
});
