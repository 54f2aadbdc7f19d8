import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { afterFailure, type DeliveryOutcome } from '../../entity/delivery/delivery.js';
import { pushPayload, refusedEndpointHost } from '../../entity/push/push-subscription.js';
import {
  type DuePushDelivery,
  PUSH_DELIVERY_POLICY,
  PUSH_DELIVERY_QUEUE,
  PUSH_SENDER,
  PushRetryLaterError,
  type PushDeliveryPolicy,
  type PushDeliveryQueuePort,
  type PushSenderPort,
} from '../port/push.port.js';

/** One round of web push deliveries at `now` (ISO 8601). */
export class DeliverPushCommand {
  constructor(readonly now: string) {}
}

/**
 * Sends the due push deliveries (one notification to one subscription each): the payload is JSON
 * `{ id, title, body, link, category }` (see `pushPayload`), encrypted for the device, with the
 * policy's TTL. 404/410 from the push service (or a subscription deleted meanwhile) ends the
 * delivery as `gone` and deletes the subscription; another 4xx but 429 is `dead` at once; 429, 5xx
 * and network errors are retried with exponential backoff (at least the push service's
 * `Retry-After`, capped at `maxBackoffMs`), then `dead` (with a dead-letter record). A subscription
 * whose endpoint host is not on `allowedEndpointHosts` is never sent to: `dead` at once (SSRF).
 * Returns how many deliveries the round claimed.
 */
@CommandHandler(DeliverPushCommand)
export class DeliverPushUseCase implements ICommandHandler<DeliverPushCommand, number> {
  constructor(
    @Inject(PUSH_DELIVERY_QUEUE) private readonly deliveries: PushDeliveryQueuePort,
    @Inject(PUSH_SENDER) private readonly sender: PushSenderPort,
    @Inject(PUSH_DELIVERY_POLICY) private readonly policy: PushDeliveryPolicy,
  ) {}

  execute({ now }: DeliverPushCommand): Promise<number> {
    return this.deliveries.processDue(now, this.policy.batchSize, (d) => this.deliver(d, now));
  }

  private async deliver(delivery: DuePushDelivery, now: string): Promise<DeliveryOutcome> {
    const attempts = delivery.attempts + 1;
    if (!delivery.subscription) return { kind: 'gone', attempts, error: 'the push subscription was deleted' };
    const refused = refusedEndpointHost(delivery.subscription.endpoint, this.policy.allowedEndpointHosts);
    if (refused) return { kind: 'dead', attempts, error: refused };
    const payload = JSON.stringify(pushPayload(delivery.notification, this.policy.publicBaseUrl));
    try {
      const result = await this.sender.send(delivery.subscription, payload, { ttlSeconds: this.policy.ttlSeconds });
      switch (result.kind) {
        case 'delivered':
          return { kind: 'sent', at: now };
        case 'gone':
          return { kind: 'gone', attempts, error: `the push service answered ${result.status}: subscription gone` };
        case 'rejected':
          return { kind: 'dead', attempts, error: `the push service answered ${result.status}: ${result.error}` };
      }
    } catch (error) {
      const asked = error instanceof PushRetryLaterError ? error.retryAfterMs : 0;
      return afterFailure(this.policy, attempts, now, error, Math.min(asked, this.policy.maxBackoffMs));
    }
  }
}
