import type { PollingJobOptions } from '@archipelago/platform-service';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DeliverPushCommand } from '../../use-case/deliver-push/deliver-push.use-case.js';
import { DeliveryRoundJob } from './delivery-round.job.js';

/** Options of the push delivery job: `pollMs` is `PUSH_POLL_MS`. */
export type PushDeliveryJobOptions = PollingJobOptions;
export const PUSH_DELIVERY_JOB_OPTIONS = Symbol('PushDeliveryJobOptions');

/** Background job: every `pollMs`, one round of web push deliveries (DeliverPushCommand). */
@Injectable()
export class PushDeliveryJob extends DeliveryRoundJob {
  constructor(commands: CommandBus, @Inject(PUSH_DELIVERY_JOB_OPTIONS) options: PushDeliveryJobOptions) {
    super(commands, options, (now) => new DeliverPushCommand(now));
  }
}
