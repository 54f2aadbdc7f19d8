import { describe, expect, it } from 'vitest';
import { classifySignIn, NEW_SIGN_IN_WINDOW_DAYS, type SeenDevice } from './new-sign-in.js';

const now = new Date('2026-12-07T10:00:00Z');
const firefox = { clientId: '', device: 'Firefox on Linux', network: '203.0.113.0/24' };
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const seen = (lastSeenAt: Date, d = firefox): SeenDevice => ({ ...d, lastSeenAt });

describe('classifySignIn', () => {
  it('calls the first sign-in of a user "first", never "new"', () => {
    expect(classifySignIn([], firefox, now)).toBe('first');
  });

  it('knows a device seen within the window, whatever the other devices', () => {
    const other = seen(daysAgo(1), { ...firefox, device: 'Chrome on Windows' });
    expect(classifySignIn([other, seen(daysAgo(NEW_SIGN_IN_WINDOW_DAYS - 1))], firefox, now)).toBe('known');
  });

  it('calls a sign-in new when the client, the browser family or the network differs', () => {
    const history = [seen(daysAgo(1))];
    expect(classifySignIn(history, { ...firefox, device: 'Safari on iOS' }, now)).toBe('new');
    expect(classifySignIn(history, { ...firefox, network: '198.51.100.0/24' }, now)).toBe('new');
    expect(classifySignIn(history, { ...firefox, clientId: 'archipelago-console' }, now)).toBe('new');
  });

  it('calls a device not seen for longer than the window new again', () => {
    expect(classifySignIn([seen(daysAgo(NEW_SIGN_IN_WINDOW_DAYS + 1))], firefox, now)).toBe('new');
  });
});
