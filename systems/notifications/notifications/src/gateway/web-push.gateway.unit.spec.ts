import { describe, expect, it } from 'vitest';
import { retryAfter } from './web-push.gateway.js';

describe('retryAfter (RFC 9110 §10.2.3)', () => {
  it('reads delay-seconds and HTTP-dates, null for absent or malformed values', () => {
    const now = Date.parse('2026-12-06T12:00:00.000Z');
    expect(retryAfter('120', now)).toBe(120_000);
    expect(retryAfter('Sun, 06 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfter('Sun, 06 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfter(null, now)).toBeNull();
    expect(retryAfter('soon', now)).toBeNull();
  });
});
