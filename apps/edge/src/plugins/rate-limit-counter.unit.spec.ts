import { describe, expect, it } from 'vitest';
import { decideRateLimit, LocalRateLimitCounters, windowStart, type PeriodLimits } from './rate-limit-counter.js';

const T0 = Date.UTC(2027, 2, 15, 10, 20, 30, 250); // 2027-03-15T10:20:30.250Z

describe('windowStart (Kong timestamps, UTC)', () => {
  it('aligns each period on its calendar boundary', () => {
    expect(new Date(windowStart('second', T0)).toISOString()).toBe('2027-03-15T10:20:30.000Z');
    expect(new Date(windowStart('minute', T0)).toISOString()).toBe('2027-03-15T10:20:00.000Z');
    expect(new Date(windowStart('hour', T0)).toISOString()).toBe('2027-03-15T10:00:00.000Z');
    expect(new Date(windowStart('day', T0)).toISOString()).toBe('2027-03-15T00:00:00.000Z');
    expect(new Date(windowStart('month', T0)).toISOString()).toBe('2027-03-01T00:00:00.000Z');
    expect(new Date(windowStart('year', T0)).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('LocalRateLimitCounters (fixed windows)', () => {
  it('counts per identifier and period, and starts again in the next window', () => {
    const counters = new LocalRateLimitCounters();
    const limits: PeriodLimits = { second: 5, minute: 10 };
    counters.increment('a', limits, T0);
    counters.increment('a', limits, T0 + 500);
    counters.increment('b', limits, T0);
    expect(counters.usage('a', 'second', T0 + 700)).toBe(2);
    expect(counters.usage('b', 'minute', T0)).toBe(1);
    expect(counters.usage('a', 'hour', T0)).toBe(0);
    // 10:20:31 is a new second but the same minute.
    expect(counters.usage('a', 'second', T0 + 750)).toBe(0);
    expect(counters.usage('a', 'minute', T0 + 750)).toBe(2);
    counters.increment('a', limits, T0 + 750);
    expect(counters.usage('a', 'second', T0 + 750)).toBe(1);
    expect(counters.usage('a', 'minute', T0 + 29_000)).toBe(3);
    expect(counters.usage('a', 'minute', T0 + 30_000)).toBe(0);
  });

  it('sweeps expired windows once it holds more counters than its bound', () => {
    const counters = new LocalRateLimitCounters(3);
    for (const ip of ['1', '2', '3']) counters.increment(ip, { second: 1 }, T0);
    expect(counters.size).toBe(3);
    counters.increment('4', { second: 1 }, T0 + 1000);
    expect(counters.size).toBe(1);
  });
});

describe('decideRateLimit (Kong rate-limiting access phase)', () => {
  it('lets requests through until the limit, counting this request in Remaining', () => {
    const decision = decideRateLimit({ minute: 3 }, () => 0, T0);
    expect(decision.exceeded).toBeUndefined();
    expect(decision.headers).toEqual({
      'X-RateLimit-Limit-Minute': '3',
      'X-RateLimit-Remaining-Minute': '2',
      'RateLimit-Limit': '3',
      'RateLimit-Remaining': '2',
      'RateLimit-Reset': '30',
    });
    expect(decideRateLimit({ minute: 3 }, () => 2, T0).headers['RateLimit-Remaining']).toBe('0');
  });

  it('stops at the limit with the reset of the exhausted window', () => {
    const decision = decideRateLimit({ minute: 3 }, () => 3, T0);
    expect(decision.exceeded).toBe('minute');
    expect(decision.resetSeconds).toBe(30);
    expect(decision.headers['X-RateLimit-Remaining-Minute']).toBe('0');
  });

  it('reports the most constrained period in RateLimit-*, the longer window on a tie', () => {
    const usage = { second: 1, hour: 95 } as Record<string, number>;
    const decision = decideRateLimit({ second: 10, hour: 100 }, (p) => usage[p] ?? 0, T0);
    expect(decision.headers['X-RateLimit-Remaining-Second']).toBe('8');
    expect(decision.headers['X-RateLimit-Remaining-Hour']).toBe('4');
    expect(decision.headers['RateLimit-Limit']).toBe('100');
    expect(decision.headers['RateLimit-Reset']).toBe(String(3600 - (20 * 60 + 30)));
    const tie = decideRateLimit({ second: 5, minute: 5 }, () => 0, T0);
    expect(tie.headers['RateLimit-Reset']).toBe('30');
  });

  it('leaves the remaining count of a period that is not exceeded untouched when another one is', () => {
    const usage = { second: 2, minute: 10 } as Record<string, number>;
    const decision = decideRateLimit({ second: 5, minute: 10 }, (p) => usage[p] ?? 0, T0);
    expect(decision.exceeded).toBe('minute');
    expect(decision.headers['X-RateLimit-Remaining-Second']).toBe('3');
    expect(decision.headers['X-RateLimit-Remaining-Minute']).toBe('0');
    expect(decision.headers['RateLimit-Limit']).toBe('10');
  });
});
