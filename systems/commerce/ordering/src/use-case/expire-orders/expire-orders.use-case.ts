import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleOrderCommand } from '../handle-order-command.js';
import { ORDER_DEADLINES, type OrderDeadlinesPort } from '../port/order-deadlines.port.js';
import { ORDER_READ_MODEL, type OrderReadModelPort } from '../port/order.read-model.port.js';
import { ORDER_REPOSITORY, type OrderRepositoryPort } from '../port/order.repository.port.js';
import { ExpireOrdersCommand } from './expire-orders.command.js';

/** Outcome of one expiry round. */
export interface ExpireOrdersResult {
  /** Orders cancelled with `timeout`. */
  readonly cancelled: number;
  /** Orders whose cancel failed (claimed again when their lease ends). */
  readonly failed: number;
}

/**
 * Claims due deadlines (leased, so several instances never work on the same order at once) and
 * cancels each order with `timeout`, sending its compensations. An order that is no longer
 * cancellable is left alone (the decider decides nothing).
 */
@CommandHandler(ExpireOrdersCommand)
export class ExpireOrdersUseCase implements ICommandHandler<ExpireOrdersCommand, ExpireOrdersResult> {
  constructor(
    @Inject(ORDER_DEADLINES) private readonly deadlines: OrderDeadlinesPort,
    @Inject(ORDER_REPOSITORY) private readonly repository: OrderRepositoryPort,
    @Inject(ORDER_READ_MODEL) private readonly readModel: OrderReadModelPort,
  ) {}

  async execute({ limit, leaseMs }: ExpireOrdersCommand): Promise<ExpireOrdersResult> {
    const due = await this.deadlines.claimDue(new Date().toISOString(), limit, leaseMs);
    let cancelled = 0;
    let failed = 0;
    for (const orderId of due) {
      try {
        const { events } = await handleOrderCommand(
          this.repository,
          { type: 'CancelOrder', data: { orderId, reason: 'timeout', now: new Date().toISOString() } },
          { actor: 'ordering.timeout', causationId: `timeout-${orderId}` },
        );
        if (events.length > 0) cancelled++;
      } catch {
        failed++;
      }
    }
    if (cancelled > 0) this.readModel.refresh();
    return { cancelled, failed };
  }
}
