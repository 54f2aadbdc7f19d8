import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  invalidEndpoint,
  invalidKeys,
  type PushSubscription,
  refusedEndpointHost,
  type PushSubscriptionKeys,
} from '../../entity/push/push-subscription.js';
import {
  InvalidPushSubscriptionError,
  PushEndpointNotAllowedError,
  PushSubscriptionNotFoundError,
} from '../../entity/push/push-subscription.errors.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import {
  PUSH_SETTINGS,
  PUSH_SUBSCRIPTIONS,
  type PushSettings,
  type PushSubscriptionRepositoryPort,
} from '../port/push.port.js';

/** Subscribe the caller's device: the browser's `PushSubscription.toJSON()`. */
export class SubscribePushCommand {
  constructor(
    readonly userId: string,
    readonly endpoint: string,
    readonly keys: PushSubscriptionKeys,
  ) {}
}

/** The caller's push subscriptions. */
export class ListPushSubscriptionsQuery {
  constructor(readonly userId: string) {}
}

/** Unsubscribe one of the caller's devices. */
export class DeletePushSubscriptionCommand {
  constructor(
    readonly userId: string,
    readonly subscriptionId: string,
  ) {}
}

/** The VAPID public key browsers subscribe with (`applicationServerKey`). */
export class GetVapidPublicKeyQuery {}

/**
 * Stores a device's subscription, idempotently per endpoint: the same endpoint again answers the
 * same subscription (`created: false`). A user keeps `maxSubscriptionsPerUser` subscriptions, the
 * newest: one more deletes the oldest.
 * @throws InvalidPushSubscriptionError for an endpoint that is not https (http only when allowed) or malformed keys
 * @throws PushEndpointNotAllowedError for an endpoint whose host is not on `allowedEndpointHosts` (SSRF)
 */
@CommandHandler(SubscribePushCommand)
export class SubscribePushUseCase implements ICommandHandler<
  SubscribePushCommand,
  { subscription: PushSubscription; created: boolean }
> {
  constructor(
    @Inject(PUSH_SUBSCRIPTIONS) private readonly subscriptions: PushSubscriptionRepositoryPort,
    @Inject(PUSH_SETTINGS) private readonly settings: PushSettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ userId, endpoint, keys }: SubscribePushCommand) {
    const invalid = invalidEndpoint(endpoint, this.settings.allowHttpEndpoints) ?? invalidKeys(keys);
    if (invalid) throw new InvalidPushSubscriptionError(invalid);
    const refused = refusedEndpointHost(endpoint, this.settings.allowedEndpointHosts);
    if (refused) throw new PushEndpointNotAllowedError(refused);
    return this.subscriptions.subscribe(
      userId,
      { endpoint, keys },
      this.clock.now(),
      this.settings.maxSubscriptionsPerUser,
    );
  }
}

/** The caller's push subscriptions (one per device: id, endpoint, keys, createdAt), oldest first; empty when none. */
@QueryHandler(ListPushSubscriptionsQuery)
export class ListPushSubscriptionsUseCase implements IQueryHandler<ListPushSubscriptionsQuery, PushSubscription[]> {
  constructor(@Inject(PUSH_SUBSCRIPTIONS) private readonly subscriptions: PushSubscriptionRepositoryPort) {}

  execute({ userId }: ListPushSubscriptionsQuery): Promise<PushSubscription[]> {
    return this.subscriptions.list(userId);
  }
}

/**
 * Deletes one of the caller's subscriptions; its pending deliveries end as `gone` when their turn comes.
 * @throws PushSubscriptionNotFoundError for an unknown id or another user's subscription
 */
@CommandHandler(DeletePushSubscriptionCommand)
export class DeletePushSubscriptionUseCase implements ICommandHandler<DeletePushSubscriptionCommand, void> {
  constructor(@Inject(PUSH_SUBSCRIPTIONS) private readonly subscriptions: PushSubscriptionRepositoryPort) {}

  async execute({ userId, subscriptionId }: DeletePushSubscriptionCommand): Promise<void> {
    if (!(await this.subscriptions.delete(userId, subscriptionId)))
      throw new PushSubscriptionNotFoundError(subscriptionId);
  }
}

/**
 * The VAPID public key (RFC 8292: uncompressed P-256 point, base64url) a browser passes as
 * `applicationServerKey` to `pushManager.subscribe()`. Not a secret.
 */
@QueryHandler(GetVapidPublicKeyQuery)
export class GetVapidPublicKeyUseCase implements IQueryHandler<GetVapidPublicKeyQuery, string> {
  constructor(@Inject(PUSH_SETTINGS) private readonly settings: PushSettings) {}

  execute(): Promise<string> {
    return Promise.resolve(this.settings.vapidPublicKey);
  }
}
