import type { PollingJobOptions } from '@archipelago/platform-service';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DeliverEmailsCommand } from '../../use-case/deliver-emails/deliver-emails.use-case.js';
import { DeliveryRoundJob } from './delivery-round.job.js';

/** Options of the e-mail delivery job: `pollMs` is `EMAIL_POLL_MS`. */
export type EmailDeliveryJobOptions = PollingJobOptions;
export const EMAIL_DELIVERY_JOB_OPTIONS = Symbol('EmailDeliveryJobOptions');

/** Background job: every `pollMs`, one round of e-mail deliveries (DeliverEmailsCommand). */
@Injectable()
export class EmailDeliveryJob extends DeliveryRoundJob {
  constructor(commands: CommandBus, @Inject(EMAIL_DELIVERY_JOB_OPTIONS) options: EmailDeliveryJobOptions) {
    super(commands, options, (now) => new DeliverEmailsCommand(now));
  }
}
