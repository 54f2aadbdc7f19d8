/**
 * Web Push subscriptions (W3C Push API; RFC 8030 push services, RFC 8291 message encryption): one
 * per device (browser profile) of a user. Pure TypeScript.
 */
import type { Notification } from '../notification/notification.js';

/** A device's subscription, as the browser's `PushSubscription.toJSON()` gives it. */
export interface PushSubscriptionKeys {
  /** The device's P-256 public key, uncompressed point (65 bytes), base64url. */
  readonly p256dh: string;
  /** The device's authentication secret (16 bytes), base64url. */
  readonly auth: string;
}

/** A stored subscription of a user's device. */
export interface PushSubscription {
  readonly id: string;
  readonly userId: string;
  /** The push service URL messages are POSTed to (a capability: whoever knows it can push). */
  readonly endpoint: string;
  readonly keys: PushSubscriptionKeys;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
}

/** Size of an uncompressed P-256 public key (0x04 | x | y), RFC 8291 §3.1. */
export const P256DH_BYTES = 65;
/** Size of the authentication secret, RFC 8291 §3.2. */
export const AUTH_SECRET_BYTES = 16;

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** Bytes of a base64url string (padding tolerated), or null when it is not base64url. */
function base64urlBytes(value: string): Uint8Array | null {
  if (!BASE64URL.test(value)) return null;
  const bare = value.replace(/=+$/, '');
  if (bare.length % 4 === 1) return null;
  const binary = atob(bare.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

// NIST P-256 (SEC 2 secp256r1): y² = x³ − 3x + b over the prime field p.
const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function bigintOf(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n;
}

/** Whether the uncompressed point `0x04 | x | y` (65 bytes) lies on P-256. */
function onP256(point: Uint8Array): boolean {
  const x = bigintOf(point.subarray(1, 33));
  const y = bigintOf(point.subarray(33, 65));
  if (x >= P256_P || y >= P256_P) return false;
  const mod = (n: bigint) => ((n % P256_P) + P256_P) % P256_P;
  return mod(y * y) === mod(x * x * x - 3n * x + P256_B);
}

/** Why `keys` are not a Web Push subscription's keys, or null when they are. */
export function invalidKeys(keys: PushSubscriptionKeys): string | null {
  const p256dh = base64urlBytes(keys.p256dh);
  if (!p256dh || p256dh.length !== P256DH_BYTES || p256dh[0] !== 0x04)
    return `keys.p256dh must be an uncompressed P-256 public key (${P256DH_BYTES} bytes starting 0x04), base64url`;
  if (!onP256(p256dh)) return 'keys.p256dh is not a point of the P-256 curve';
  const auth = base64urlBytes(keys.auth);
  if (!auth || auth.length !== AUTH_SECRET_BYTES) return `keys.auth must be ${AUTH_SECRET_BYTES} bytes, base64url`;
  return null;
}

/**
 * Why `endpoint` may not be used, or null: an absolute `https:` URL (RFC 8030 §5 requires HTTPS);
 * `http:` too when `allowHttp` (local push endpoints in development and tests).
 */
export function invalidEndpoint(endpoint: string, allowHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'endpoint must be an absolute URL';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && allowHttp) return null;
  return allowHttp ? 'endpoint must be an http: or https: URL' : 'endpoint must be an https: URL';
}

/**
 * Hosts of the push services of the big browsers (RFC 8030 endpoints), the default allow-list of
 * subscription endpoints: Chrome, Edge, Opera and Samsung Internet (Firebase Cloud Messaging),
 * Firefox (Mozilla autopush), Safari (Apple Push Notification service) and legacy Edge (Windows
 * Push Notification Services). `*.` stands for any subdomain (one or more labels).
 */
export const BROWSER_PUSH_SERVICE_HOSTS: readonly string[] = [
  'fcm.googleapis.com',
  'android.googleapis.com',
  'updates.push.services.mozilla.com',
  '*.push.apple.com',
  '*.notify.windows.com',
];

/** Loopback hosts: local push endpoints (the test harness's, a developer's) outside production. */
export const LOOPBACK_PUSH_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/**
 * A host pattern of the push endpoint allow-list: a host name (`fcm.googleapis.com`), `*.` and a
 * domain (`*.push.apple.com`: any subdomain, not the domain itself), an IPv4 address or a
 * bracketed IPv6 address (`[::1]`), as `URL.hostname` spells them (lower case).
 */
export const PUSH_HOST_PATTERN = /^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/;

/** Whether `host` (a `URL.hostname`) matches one of `patterns` ({@link PUSH_HOST_PATTERN}). */
export function pushHostAllowed(host: string, patterns: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((pattern) =>
    pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1 : name === pattern,
  );
}

/**
 * Why the service may not send to `endpoint`, or null: its host is not on the allow-list of push
 * services (`allowedHosts`, {@link PUSH_HOST_PATTERN} each). A subscription is a URL the service
 * later POSTs to, so without this list a caller could make the service send requests to any
 * host it can reach (server-side request forgery, e.g. into the cluster's network).
 * Call after {@link invalidEndpoint} (an absolute URL).
 */
export function refusedEndpointHost(endpoint: string, allowedHosts: readonly string[]): string | null {
  const host = new URL(endpoint).hostname;
  return pushHostAllowed(host, allowedHosts) ? null : `endpoint host ${host} is not an allowed push service`;
}

/** What the device receives (decrypted) for a notification: JSON of this shape. */
export interface PushPayload {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  /** Absolute URL of what the notification is about, or null. */
  readonly link: string | null;
  readonly category: string;
}

/** The push payload of `notification`; its link is made absolute with `baseUrl`. */
export function pushPayload(notification: Notification, baseUrl: string): PushPayload {
  return {
    id: notification.id,
    title: notification.title,
    body: notification.body,
    link: notification.link === null ? null : new URL(notification.link, baseUrl).toString(),
    category: notification.category,
  };
}
