import { describe, expect, it } from 'vitest';
import { deviceOf, networkOf } from './sign-in-device.js';

describe('deviceOf', () => {
  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox on Linux'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    ['k6/0.54.0 (https://k6.io/)', 'k6'],
    ['curl/8.5.0', 'curl'],
    ['', 'unknown'],
    [undefined, 'unknown'],
  ])('%s → %s', (ua, expected) => {
    expect(deviceOf(ua)).toBe(expected);
  });

  it('ignores the version: an update is the same device', () => {
    expect(deviceOf('Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0')).toBe(
      deviceOf('Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'),
    );
  });
});

describe('networkOf', () => {
  it.each([
    ['203.0.113.7', '203.0.113.0/24'],
    ['::ffff:203.0.113.7', '203.0.113.0/24'],
    ['2001:db8:1:2::5', '2001:db8:1::/48'],
    ['::1', '::/48'],
    ['not an address', ''],
    [undefined, ''],
  ])('%s → %s', (ip, expected) => {
    expect(networkOf(ip)).toBe(expected);
  });
});
