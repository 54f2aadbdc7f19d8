import { PollingJob, type PollingJobOptions } from '@archipelago/platform-service';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DeliverEmailsCommand } from '../../use-case/deliver-emails/deliver-emails.use-case.js';

/** Options of the e-mail delivery job: `pollMs` is `EMAIL_POLL_MS`. */
export type EmailDeliveryJobOptions = PollingJobOptions;
export const EMAIL_DELIVERY_JOB_OPTIONS = Symbol('EmailDeliveryJobOptions');

/**
 * Background job: every `pollMs`, one round of e-mail deliveries (DeliverEmailsCommand). Due rows
 * are claimed with FOR UPDATE SKIP LOCKED, so every replica may run it.
 */
@Injectable()
export class EmailDeliveryJob extends PollingJob<number> {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EMAIL_DELIVERY_JOB_OPTIONS) options: EmailDeliveryJobOptions,
  ) {
    super(options);
  }

  runOnce(): Promise<number> {
    return this.commands.execute(new DeliverEmailsCommand(new Date().toISOString()));
  }
}
