import { describe, expect, it } from 'vitest';
import { channelEnabled, effectivePreferences } from './notification.js';

describe('notification preferences', () => {
  it('defaults to in-app and e-mail on, push off', () => {
    expect(channelEnabled({}, 'order', 'in_app')).toBe(true);
    expect(channelEnabled({}, 'order', 'email')).toBe(true);
    expect(channelEnabled({}, 'order', 'push')).toBe(false);
  });

  it('honours an opt-out and an opt-in', () => {
    const prefs = { order: { email: false }, task: { push: true } };
    expect(channelEnabled(prefs, 'order', 'email')).toBe(false);
    expect(channelEnabled(prefs, 'order', 'in_app')).toBe(true);
    expect(channelEnabled(prefs, 'task', 'push')).toBe(true);
  });

  it('ignores opt-outs of a critical category (security)', () => {
    expect(channelEnabled({ security: { email: false, in_app: false } }, 'security', 'email')).toBe(true);
    expect(channelEnabled({ security: { email: false, in_app: false } }, 'security', 'in_app')).toBe(true);
  });

  it('fills the whole matrix', () => {
    const matrix = effectivePreferences({ stock: { in_app: false } });
    expect(Object.keys(matrix)).toEqual([
      'account',
      'security',
      'order',
      'stock',
      'reminder',
      'task',
      'attestation',
      'credential',
    ]);
    expect(matrix.stock).toEqual({ in_app: false, email: true, push: false });
  });
});
