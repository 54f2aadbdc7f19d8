import { describe, expect, it } from 'vitest';
import { topicLag } from './kafka-lag.js';

describe('topicLag (kafka consumer lag of one topic)', () => {
  it('sums log end minus committed offset over the partitions', () => {
    const ends = [
      { partition: 0, high: '10', low: '0' },
      { partition: 1, high: '7', low: '0' },
    ];
    expect(topicLag({ ends, committed: [{ partition: 0, offset: '4' }, { partition: 1, offset: '7' }] })).toBe(6);
  });

  it('counts from the earliest retained offset where the group committed nothing', () => {
    const ends = [
      { partition: 0, high: '10', low: '3' },
      { partition: 1, high: '5', low: '0' },
    ];
    expect(topicLag({ ends, committed: [{ partition: 0, offset: '-1' }] })).toBe(7 + 5);
  });

  it('is never negative (a commit ahead of a truncated log counts 0)', () => {
    expect(topicLag({ ends: [{ partition: 0, high: '2', low: '0' }], committed: [{ partition: 0, offset: '5' }] })).toBe(0);
  });
});
