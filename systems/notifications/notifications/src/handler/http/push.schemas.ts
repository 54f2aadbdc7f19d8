import { z } from 'zod';
import { AUTH_SECRET_BYTES, invalidKeys, P256DH_BYTES } from '../../entity/push/push-subscription.js';

const EXAMPLE_ENDPOINT = 'https://push.example.net/wpush/v2/<subscription>';
// Placeholders: real keys look like secrets to scanners.
const EXAMPLE_KEYS = { p256dh: '<p256dh: 65 bytes base64url>', auth: '<auth: 16 bytes base64url>' };

/** The browser's `PushSubscription.toJSON()` (W3C Push API); `expirationTime` is accepted and ignored. */
export const pushSubscriptionBody = z
  .object({
    endpoint: z
      .string()
      .min(1)
      .max(2048)
      .describe('The push service URL of the device (https; http only where the service allows it)'),
    expirationTime: z.number().nullable().optional().describe('Ignored'),
    keys: z
      .object({
        p256dh: z
          .string()
          .max(200)
          .describe(`The device's P-256 public key, uncompressed (${P256DH_BYTES} bytes), base64url`),
        auth: z.string().max(100).describe(`The device's auth secret (${AUTH_SECRET_BYTES} bytes), base64url`),
      })
      .superRefine((keys, ctx) => {
        const invalid = invalidKeys(keys);
        if (invalid) ctx.addIssue({ code: 'custom', message: invalid });
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
