import type { RetryPolicy } from '../../entity/delivery/delivery.js';
import type { Notification } from '../../entity/notification/notification.js';
import type { PushSubscription, PushSubscriptionKeys } from '../../entity/push/push-subscription.js';
import type { DeliveryQueuePort } from './delivery.port.js';

/** Where a push message goes: a subscription's endpoint and the device's keys. */
export interface PushTarget {
  readonly endpoint: string;
  readonly keys: PushSubscriptionKeys;
}

/** What the push service answered (RFC 8030 §5, §7.3). */
export type PushSendResult =
  /** 2xx: accepted by the push service. */
  | { readonly kind: 'delivered' }
  /** 404/410: the subscription expired or was unsubscribed; it will never work again. */
  | { readonly kind: 'gone'; readonly status: number }
  /** Another 4xx but 429 (bad request, payload too large, VAPID refused …): retrying will not help. */
  | { readonly kind: 'rejected'; readonly status: number; readonly error: string };

/**
 * The push service asked to be retried later: 429 or 503 with `Retry-After` (RFC 8030 §8.4,
 * RFC 9110 §10.2.3). `retryAfterMs` is the wait it asked for.
 */
export class PushRetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'PushRetryLaterError';
  }
}

/**
 * Sends one encrypted Web Push message (RFC 8291 `aes128gcm`, VAPID RFC 8292) with the given TTL.
 * @throws for what may pass (429, 5xx, network errors, timeouts): the delivery is retried
 * ({@link PushRetryLaterError} when the push service said when).
 */
export interface PushSenderPort {
  send(target: PushTarget, payload: string, options: { readonly ttlSeconds: number }): Promise<PushSendResult>;
}
export const PUSH_SENDER = Symbol('PushSenderPort');

/** A pending push delivery whose time has come: one notification to one subscription. */
export interface DuePushDelivery {
  readonly id: string;
  /** Attempts made before this one. */
  readonly attempts: number;
  readonly notification: Notification;
  /** The subscription, or null when it was deleted since the delivery was queued. */
  readonly subscription: PushTarget | null;
}

/**
 * The push deliveries (channel `push`, one per notification × subscription). Recording a `gone`
 * outcome also deletes the subscription.
 */
export type PushDeliveryQueuePort = DeliveryQueuePort<DuePushDelivery>;
export const PUSH_DELIVERY_QUEUE = Symbol('PushDeliveryQueuePort');

/** Retry policy, message lifetime and links of push deliveries. */
export interface PushDeliveryPolicy extends RetryPolicy {
  /** How long the push service keeps an undelivered message (s), the `TTL` header (RFC 8030 §5.2). */
  readonly ttlSeconds: number;
  /** Public base URL links in payloads are made absolute with (e.g. http://localhost:8000). */
  readonly publicBaseUrl: string;
  /** Deliveries claimed per round. */
  readonly batchSize: number;
  /**
   * Host patterns of the push services the service sends to (as for subscribing): a stored
   * subscription on another host (subscribed before the list existed, or the list narrowed) is
   * never sent to.
   */
  readonly allowedEndpointHosts: readonly string[];
}
export const PUSH_DELIVERY_POLICY = Symbol('PushDeliveryPolicy');

/** The devices users subscribed for push. */
export interface PushSubscriptionRepositoryPort {
  /**
   * Stores the subscription of `endpoint` for `userId`: an existing one of the same user is
   * returned (keys refreshed) with `created: false`; one of another user is replaced (the device
   * changed hands). Then keeps only the user's `keep` newest subscriptions (older ones are deleted).
   */
  subscribe(
    userId: string,
    target: PushTarget,
    now: string,
    keep: number,
  ): Promise<{ subscription: PushSubscription; created: boolean }>;
  /** The user's subscriptions, oldest first. */
  list(userId: string): Promise<PushSubscription[]>;
  /** Deletes the user's subscription `id`; false when the user has none with that id. */
  delete(userId: string, id: string): Promise<boolean>;
}
export const PUSH_SUBSCRIPTIONS = Symbol('PushSubscriptionRepositoryPort');

/** Web Push settings the API exposes. */
export interface PushSettings {
  /** The VAPID public key (uncompressed P-256 point, base64url): `applicationServerKey` of `pushManager.subscribe`. */
  readonly vapidPublicKey: string;
  /** Whether `http:` endpoints are accepted (local push endpoints; production: https only). */
  readonly allowHttpEndpoints: boolean;
  /** Host patterns of the push services endpoints may point to (`PUSH_HOST_PATTERN`); any other host is refused. */
  readonly allowedEndpointHosts: readonly string[];
  /** Subscriptions kept per user: subscribing one more deletes the oldest (bounds the fan-out). */
  readonly maxSubscriptionsPerUser: number;
}
export const PUSH_SETTINGS = Symbol('PushSettings');
