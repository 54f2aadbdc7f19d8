import { PollingJob, type PollingJobOptions } from '@archipelago/platform-service';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ExpireOrdersCommand } from '../../use-case/expire-orders/expire-orders.command.js';
import type { ExpireOrdersResult } from '../../use-case/expire-orders/expire-orders.use-case.js';

/** Options of the timeout job: `pollMs` is `ORDER_TIMEOUT_POLL_MS` (default 1000). */
export type OrderTimeoutJobOptions = PollingJobOptions;

export const ORDER_TIMEOUT_JOB_OPTIONS = Symbol('OrderTimeoutJobOptions');

/**
 * Background job: every `pollMs`, cancels pending orders past their deadline with `timeout`
 * (ExpireOrdersCommand). Across instances the deadline claims are leased with FOR UPDATE SKIP
 * LOCKED, so every instance may run it.
 */
@Injectable()
export class OrderTimeoutJob extends PollingJob<ExpireOrdersResult> {
  constructor(
    private readonly commands: CommandBus,
    @Inject(ORDER_TIMEOUT_JOB_OPTIONS) options: OrderTimeoutJobOptions,
  ) {
    super(options);
  }

  /** One round: cancels what is due now. */
  runOnce(): Promise<ExpireOrdersResult> {
    return this.commands.execute(new ExpireOrdersCommand());
  }
}
