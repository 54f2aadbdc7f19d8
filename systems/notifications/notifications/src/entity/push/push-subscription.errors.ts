import { DomainError } from '@archipelago/util-decider';

/** The caller has no push subscription with this id (another user's is not found either). */
export class PushSubscriptionNotFoundError extends DomainError {
  readonly code = 'PUSH_SUBSCRIPTION.NOT_FOUND';
  constructor(subscriptionId: string) {
    super(`Push subscription ${subscriptionId} does not exist`, { subscriptionId });
  }
}

/** The subscription cannot be used: endpoint scheme not allowed (https only in production) or malformed keys. */
export class InvalidPushSubscriptionError extends DomainError {
  readonly code = 'PUSH_SUBSCRIPTION.INVALID';
  constructor(reason: string) {
    super(reason, { reason });
  }
}

/**
 * The subscription's endpoint is not at an allowed push service (the allow-list
 * `NOTIFICATIONS_PUSH_ALLOWED_HOSTS`; default: the big browsers' push services): refused so that
 * the service never sends requests to arbitrary hosts (SSRF).
 */
export class PushEndpointNotAllowedError extends DomainError {
  readonly code = 'PUSH_SUBSCRIPTION.ENDPOINT_NOT_ALLOWED';
  constructor(reason: string) {
    super(reason, { reason });
  }
}
