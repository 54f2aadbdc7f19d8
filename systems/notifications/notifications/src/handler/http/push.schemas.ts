import { z } from 'zod';
import { AUTH_SECRET_BYTES, P256DH_BYTES } from '../../entity/push/push-subscription.js';

const EXAMPLE_ENDPOINT = 'https://fcm.googleapis.com/fcm/send/subscription-id';
// Example keys: the P-256 base point G (a public constant of SEC 2, a valid uncompressed point)
// and an all-zero auth secret; real device keys would look like secrets to scanners.
const P256_G =
  '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296' +
  '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5';
const EXAMPLE_KEYS = { p256dh: Buffer.from(P256_G, 'hex').toString('base64url'), auth: 'A'.repeat(22) };

/** The browser's `PushSubscription.toJSON()` (W3C Push API); `expirationTime` is accepted and ignored. */
export const pushSubscriptionBody = z
  .object({
    endpoint: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
      .describe(
        'The push service URL of the device: https (http only where the service allows it, e.g. locally), on an allowed push service host',
      ),
    expirationTime: z.number().nullable().optional().describe('Ignored'),
    keys: z.object({
      // 65 bytes = 87 base64url characters; the first byte 0x04 (uncompressed point) makes them start "B[A-P]".
      p256dh: z
        .string()
        .regex(
          /^B[A-P][A-Za-z0-9_-]{85}=?$/,
          `must be an uncompressed P-256 public key (${P256DH_BYTES} bytes), base64url`,
        )
        .describe(`The device's P-256 public key, uncompressed (${P256DH_BYTES} bytes), base64url`),
      auth: z
        .string()
        .regex(/^[A-Za-z0-9_-]{22}(==)?$/, `must be ${AUTH_SECRET_BYTES} bytes, base64url`)
        .describe(`The device's auth secret (${AUTH_SECRET_BYTES} bytes), base64url`),
    }),
  })
  .meta({ id: 'PushSubscriptionJSON', examples: [{ endpoint: EXAMPLE_ENDPOINT, keys: EXAMPLE_KEYS }] });
export type PushSubscriptionBody = z.infer<typeof pushSubscriptionBody>;

export const pushSubscriptionDto = z
  .object({
    id: z.uuid(),
    endpoint: z.string().describe('The push service URL of the device'),
    createdAt: z.iso.datetime().describe('ISO 8601, UTC'),
  })
  .meta({
    id: 'PushSubscription',
    examples: [
      { id: '019aef3c-5b2e-7c4d-8e9f-0a1b2c3d4e60', endpoint: EXAMPLE_ENDPOINT, createdAt: '2026-12-06T05:00:00.000Z' },
    ],
  });

export const pushSubscriptionListDto = z.object({ items: z.array(pushSubscriptionDto) }).meta({
  id: 'PushSubscriptionList',
  examples: [
    {
      items: [
        {
          id: '019aef3c-5b2e-7c4d-8e9f-0a1b2c3d4e60',
          endpoint: EXAMPLE_ENDPOINT,
          createdAt: '2026-12-06T05:00:00.000Z',
        },
      ],
    },
  ],
});

export const pushSubscriptionIdParams = z.object({ id: z.uuid('must be a UUID') });

export const vapidPublicKeyDto = z
  .object({
    publicKey: z
      .string()
      .describe('VAPID public key (RFC 8292), uncompressed P-256 point, base64url: `applicationServerKey`'),
  })
  .meta({ id: 'VapidPublicKey', examples: [{ publicKey: '<vapid public key>' }] });
