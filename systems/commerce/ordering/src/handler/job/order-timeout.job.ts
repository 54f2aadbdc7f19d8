import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ExpireOrdersCommand } from '../../use-case/expire-orders/expire-orders.command.js';
import type { ExpireOrdersResult } from '../../use-case/expire-orders/expire-orders.use-case.js';

/** Options of the timeout job. */
export interface OrderTimeoutJobOptions {
  /** Poll interval in ms (`ORDER_TIMEOUT_POLL_MS`, default 1000). */
  readonly pollMs: number;
  /** Called with an error of one round; the job keeps polling. */
  readonly onError?: (error: unknown) => void;
}

export const ORDER_TIMEOUT_JOB_OPTIONS = Symbol('OrderTimeoutJobOptions');

/**
 * Background job: every `pollMs`, cancels pending orders past their deadline with `timeout`
 * (ExpireOrdersCommand). Rounds never overlap within a process; across instances the deadline
 * claims are leased with FOR UPDATE SKIP LOCKED, so every instance may run it.
 */
@Injectable()
export class OrderTimeoutJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly commands: CommandBus,
    @Inject(ORDER_TIMEOUT_JOB_OPTIONS) private readonly options: OrderTimeoutJobOptions,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.round = this.runOnce()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.options.pollMs);
        });
    };
    this.timer = setTimeout(tick, this.options.pollMs);
  }

  /** One round: cancels what is due now. */
  runOnce(): Promise<ExpireOrdersResult> {
    return this.commands.execute(new ExpireOrdersCommand());
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.round;
  }
}
