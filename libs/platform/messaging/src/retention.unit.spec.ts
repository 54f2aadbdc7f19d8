import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Messaging } from './messaging.js';
import { DEFAULT_RETENTION, MessagingRetention } from './retention.js';

// Construction only: no query is made, so the pool is never used.
const pool = {} as pg.Pool;

describe('MessagingRetention policy', () => {
  it('applies the defaults for what is not given (undefined included)', () => {
    const job = new MessagingRetention(pool, 'svc', { transport: 'kafka', inboxMs: undefined, deadLetterMs: 1 });
    expect(job.policy).toEqual({ ...DEFAULT_RETENTION, deadLetterMs: 1 });
    expect(DEFAULT_RETENTION).toMatchObject({
      outboxMs: 168 * 3_600_000,
      inboxMs: 336 * 3_600_000,
      deadLetterMs: 720 * 3_600_000,
    });
  });

  it('rejects an inbox retention shorter than the outbox retention', () => {
    expect(() => new MessagingRetention(pool, 'svc', { transport: 'postgres', outboxMs: 10, inboxMs: 9 })).toThrow(
      new RangeError(
        'retention inboxMs must be at least outboxMs (a message that can still be redelivered must still be deduplicated)',
      ),
    );
    expect(
      () => new MessagingRetention(pool, 'svc', { transport: 'postgres', outboxMs: 10, inboxMs: 10 }),
    ).not.toThrow();
  });

  it.each([
    [{ outboxMs: 0 }, 'retention outboxMs must be a positive number'],
    [{ deadLetterMs: Number.NaN }, 'retention deadLetterMs must be a positive number'],
    [{ batchSize: -1 }, 'retention batchSize must be a positive number'],
    [{ intervalMs: -5 }, 'retention intervalMs must be 0 (off) or positive'],
  ])('rejects %o', (policy, message) => {
    expect(() => new MessagingRetention(pool, 'svc', { transport: 'kafka', ...policy })).toThrow(
      new RangeError(message),
    );
  });

  it('makes Messaging refuse a bad policy at construction', () => {
    expect(
      () =>
        new Messaging({
          transport: 'postgres',
          system: 's',
          service: 'svc',
          schema: 'svc',
          pool,
          databaseUrl: 'postgres://localhost/s',
          retention: { outboxMs: 2, inboxMs: 1 },
        }),
    ).toThrow(RangeError);
  });
});
