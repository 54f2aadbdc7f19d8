import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { afterFailure } from '../../entity/delivery/delivery.js';
import { renderEmail } from '../../entity/notification/email-template.js';
import {
  DELIVERY_REPOSITORY,
  type DeliveryOutcome,
  type DeliveryRepositoryPort,
  type DueDelivery,
  EMAIL_DELIVERY_POLICY,
  EMAIL_SENDER,
  type EmailDeliveryPolicy,
  type EmailSenderPort,
} from '../port/email.port.js';

/** The Message-ID of a notification's e-mail (RFC 5322 msg-id): one per notification, whatever the attempt. */
export function emailMessageId(notificationId: string): string {
  return `<notification.${notificationId}@archipelago.local>`;
}

/** One round of e-mail deliveries at `now` (ISO 8601). */
export class DeliverEmailsCommand {
  constructor(readonly now: string) {}
}

export { backoffMs } from '../../entity/delivery/delivery.js';

/**
 * Sends the due e-mail deliveries: renders each notification with its category's template and
 * sends it; a failure is retried with exponential backoff, and after `maxAttempts` the delivery is
 * `dead` (with a dead-letter record). A recipient without a known address is dead at once.
 * Returns how many deliveries the round claimed.
 */
@CommandHandler(DeliverEmailsCommand)
export class DeliverEmailsUseCase implements ICommandHandler<DeliverEmailsCommand, number> {
  constructor(
    @Inject(DELIVERY_REPOSITORY) private readonly deliveries: DeliveryRepositoryPort,
    @Inject(EMAIL_SENDER) private readonly sender: EmailSenderPort,
    @Inject(EMAIL_DELIVERY_POLICY) private readonly policy: EmailDeliveryPolicy,
  ) {}

  execute({ now }: DeliverEmailsCommand): Promise<number> {
    return this.deliveries.processDue(now, this.policy.batchSize, (d) => this.deliver(d, now));
  }

  private async deliver(delivery: DueDelivery, now: string): Promise<DeliveryOutcome> {
    const attempts = delivery.attempts + 1;
    if (!delivery.email) return { kind: 'dead', attempts, error: 'no e-mail address known for the recipient' };
    const mail = renderEmail(delivery.notification, {
      baseUrl: this.policy.publicBaseUrl,
      greeting: delivery.displayName ?? undefined,
    });
    try {
      await this.sender.send({ to: delivery.email, ...mail, messageId: emailMessageId(delivery.notification.id) });
      return { kind: 'sent', at: now };
    } catch (error) {
      return afterFailure(this.policy, attempts, now, error);
    }
  }
}
