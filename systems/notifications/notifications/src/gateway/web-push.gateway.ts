import webpush from 'web-push';
import {
  PushRetryLaterError,
  type PushSendResult,
  type PushSenderPort,
  type PushTarget,
} from '../use-case/port/push.port.js';
import type { VapidKeys } from './vapid-keys.js';

/**
 * Web Push with the `web-push` library: `generateRequestDetails` encrypts the payload for the
 * device (RFC 8291, `aes128gcm`) and signs the VAPID header (RFC 8292); the request is sent with
 * `fetch` — `web-push`'s own `sendNotification` always uses `https.request`, so it cannot reach an
 * `http:` push endpoint (local push services in development and tests).
 */
export class WebPushGateway implements PushSenderPort {
  constructor(
    private readonly vapid: VapidKeys,
    /** Give up on a push service that does not answer within this time (ms); retried later. */
    private readonly timeoutMs = 10_000,
  ) {}

  async send(target: PushTarget, payload: string, options: { readonly ttlSeconds: number }): Promise<PushSendResult> {
    const request = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: target.keys }, payload, {
      vapidDetails: { subject: this.vapid.subject, publicKey: this.vapid.publicKey, privateKey: this.vapid.privateKey },
      TTL: options.ttlSeconds,
      contentEncoding: 'aes128gcm',
      urgency: 'normal',
    });
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'content-length'),
    );
    const response = await fetch(request.endpoint, {
      method: request.method,
      headers,
      body: request.body ? new Uint8Array(request.body) : null,
      // Never followed: a redirect could lead off the allowed push services (SSRF); RFC 8030 push
      // services do not redirect, so a 3xx is a rejection.
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    if (response.ok) return { kind: 'delivered' };
    if (response.status === 404 || response.status === 410) return { kind: 'gone', status: response.status };
    if (response.status === 429 || response.status >= 500) {
      const message = `push service answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
      const retryAfterMs = retryAfter(response.headers.get('retry-after'));
      throw retryAfterMs === null ? new Error(message) : new PushRetryLaterError(message, retryAfterMs);
    }
    return { kind: 'rejected', status: response.status, error: text.slice(0, 200) || response.statusText };
  }
}

/** `Retry-After` (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) in ms from now, or null when absent or malformed. */
export function retryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
