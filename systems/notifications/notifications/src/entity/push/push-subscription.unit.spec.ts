import { createECDH } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Notification } from '../notification/notification.js';
import {
  BROWSER_PUSH_SERVICE_HOSTS,
  invalidEndpoint,
  invalidKeys,
  PUSH_HOST_PATTERN,
  pushHostAllowed,
  pushPayload,
  refusedEndpointHost,
} from './push-subscription.js';

const device = createECDH('prime256v1');
const p256dh = device.generateKeys().toString('base64url');
const auth = Buffer.alloc(16, 9).toString('base64url');

describe('push subscription validation', () => {
  it('accepts a 65-byte uncompressed P-256 key and a 16-byte auth secret, base64url (padding tolerated)', () => {
    expect(invalidKeys({ p256dh, auth })).toBeNull();
    expect(invalidKeys({ p256dh, auth: `${auth}==` })).toBeNull();
    const g =
      '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5';
    expect(invalidKeys({ p256dh: Buffer.from(g, 'hex').toString('base64url'), auth })).toBeNull(); // the base point
  });

  it('refuses keys of the wrong length, compressed points, points off the curve and non-base64url text', () => {
    const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url');
    expect(invalidKeys({ p256dh: offCurve, auth })).toMatch(/curve/);
    expect(invalidKeys({ p256dh: p256dh.slice(0, 40), auth })).toMatch(/p256dh/);
    const compressed = Buffer.concat([Buffer.from([2]), Buffer.alloc(64, 7)]).toString('base64url');
    expect(invalidKeys({ p256dh: compressed, auth })).toMatch(/p256dh/);
    expect(invalidKeys({ p256dh, auth: Buffer.alloc(15).toString('base64url') })).toMatch(/auth/);
    expect(invalidKeys({ p256dh, auth: 'not base64url!' })).toMatch(/auth/);
  });

  it('takes https endpoints, http ones only when allowed', () => {
    expect(invalidEndpoint('https://push.example.net/x', false)).toBeNull();
    expect(invalidEndpoint('http://127.0.0.1:9/x', false)).toMatch(/https/);
    expect(invalidEndpoint('http://127.0.0.1:9/x', true)).toBeNull();
    expect(invalidEndpoint('ftp://push.example.net/x', true)).toMatch(/http/);
    expect(invalidEndpoint('/relative', true)).toMatch(/absolute/);
  });
});

describe('push endpoint host allow-list (SSRF)', () => {
  it("takes the big browsers' push services by default", () => {
    for (const endpoint of [
      'https://fcm.googleapis.com/fcm/send/abc:def',
      'https://updates.push.services.mozilla.com/wpush/v2/gAAAA',
      'https://web.push.apple.com/QGuQyavXutnMxQrq',
      'https://wns2-par02p.notify.windows.com/w/?token=x',
    ])
      expect(refusedEndpointHost(endpoint, BROWSER_PUSH_SERVICE_HOSTS), endpoint).toBeNull();
  });

  it('refuses other hosts, look-alikes, the bare domain of a `*.` pattern, loopback and link-local addresses', () => {
    for (const endpoint of [
      'https://fcm.googleapis.com.evil.test/x',
      'https://evilfcm.googleapis.com/x',
      'https://push.apple.com/x',
      'https://evil.test/fcm.googleapis.com',
      'https://fcm.googleapis.com@evil.test/x',
      'http://127.0.0.1:5432/x',
      'http://[::1]/x',
      'https://169.254.169.254/latest/meta-data',
    ])
      expect(refusedEndpointHost(endpoint, BROWSER_PUSH_SERVICE_HOSTS), endpoint).toMatch(/not an allowed push service/);
  });

  it('matches case-insensitively, ignores a trailing dot, and takes bracketed IPv6 hosts', () => {
    expect(pushHostAllowed('FCM.googleapis.com.', ['fcm.googleapis.com'])).toBe(true);
    expect(pushHostAllowed('a.b.push.apple.com', ['*.push.apple.com'])).toBe(true);
    expect(pushHostAllowed('[::1]', ['[::1]'])).toBe(true);
    expect(pushHostAllowed('127.0.0.2', ['127.0.0.1'])).toBe(false);
  });

  it('PUSH_HOST_PATTERN takes host names, *.domain and IP addresses, nothing else', () => {
    for (const ok of ['fcm.googleapis.com', '*.push.apple.com', '127.0.0.1', '[::1]', 'localhost'])
      expect(PUSH_HOST_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['*', '*.', 'a.*.com', 'https://fcm.googleapis.com', 'fcm.googleapis.com/x', 'a b', 'a..com', ''])
      expect(PUSH_HOST_PATTERN.test(bad), bad).toBe(false);
  });
});

describe('pushPayload', () => {
  it('carries id, title, body, category and the absolute link', () => {
    const n: Notification = {
      id: 'n1',
      recipientId: 'ann',
      category: 'order',
      title: 'Order confirmed',
      body: 'Your order o1 is confirmed.',
      link: '/commerce/v1/orders/o1',
      data: { orderId: 'o1' },
      read: false,
      archived: false,
      createdAt: '2026-12-06T05:00:00.000Z',
      sourceEventId: 'e1',
    };
    expect(pushPayload(n, 'http://localhost:8000')).toEqual({
      id: 'n1',
      title: 'Order confirmed',
      body: 'Your order o1 is confirmed.',
      link: 'http://localhost:8000/commerce/v1/orders/o1',
      category: 'order',
    });
    expect(pushPayload({ ...n, link: null }, 'http://localhost:8000').link).toBeNull();
  });
});
