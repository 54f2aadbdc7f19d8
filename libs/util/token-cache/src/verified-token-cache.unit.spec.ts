import { describe, expect, it } from 'vitest';
import { VerifiedTokenCache } from './verified-token-cache.js';

describe('VerifiedTokenCache', () => {
  it('holds at most maxEntries tokens, dropping the least recently used', () => {
    const cache = new VerifiedTokenCache<string>({ maxEntries: 2, maxAgeMs: 60_000 });
    cache.set('a', 'A', undefined);
    cache.set('b', 'B', undefined);
    expect(cache.get('a')).toBe('A'); // a is now the most recently used
    cache.set('c', 'C', undefined);
    expect(cache.size).toBe(2);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['A', undefined, 'C']);
  });

  it('forgets an entry at the token exp or after maxAgeMs, whichever comes first', () => {
    let now = 1_000_000_000_000;
    const cache = new VerifiedTokenCache<string>({ maxEntries: 10, maxAgeMs: 60_000, now: () => now });
    cache.set('short', 'S', now / 1000 + 10); // exp in 10 s
    cache.set('long', 'L', now / 1000 + 900); // exp in 15 min
    cache.set('gone', 'G', now / 1000 - 1); // already expired: not stored
    now += 9_000;
    expect([cache.get('short'), cache.get('long'), cache.get('gone')]).toEqual(['S', 'L', undefined]);
    now += 1_001;
    expect(cache.get('short')).toBeUndefined();
    now += 50_000;
    expect(cache.get('long')).toBeUndefined();
  });

  it('stores nothing when maxEntries is 0', () => {
    const cache = new VerifiedTokenCache<string>({ maxEntries: 0, maxAgeMs: 60_000 });
    cache.set('a', 'A', undefined);
    expect([cache.get('a'), cache.size]).toEqual([undefined, 0]);
  });
});
