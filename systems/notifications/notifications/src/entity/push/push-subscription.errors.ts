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
