import { describe, expect, it } from 'vitest';
import type { Notification } from '../notification/notification.js';
import { invalidEndpoint, invalidKeys, pushPayload } from './push-subscription.js';

const p256dh = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url');
const auth = Buffer.alloc(16, 9).toString('base64url');

describe('push subscription validation', () => {
  it('accepts a 65-byte uncompressed P-256 key and a 16-byte auth secret, base64url (padding tolerated)', () => {
    expect(invalidKeys({ p256dh, auth })).toBeNull();
    expect(invalidKeys({ p256dh, auth: `${auth}==` })).toBeNull();
  });

  it('refuses keys of the wrong length, compressed points and non-base64url text', () => {
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
