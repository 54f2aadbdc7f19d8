import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { OrderNotFoundError } from '../../entity/order/order.errors.js';
import type { PlacedOrderState } from '../../entity/order/order.state.js';
import { handleOrderCommand } from '../handle-order-command.js';
import { ORDER_READ_MODEL, type OrderReadModelPort } from '../port/order.read-model.port.js';
import { ORDER_REPOSITORY, type OrderRepositoryPort } from '../port/order.repository.port.js';
import { CancelOrderCommand } from './cancel-order.command.js';

/**
 * Cancels a pending order with `cancelled_by_customer`; the compensations (ReleaseStock, and
 * RefundPayment when a capture was requested) leave through the outbox in the same transaction.
 * @throws OrderNotFoundError (404, also for another customer's order), OrderNotCancellableError (409)
 */
@CommandHandler(CancelOrderCommand)
export class CancelOrderUseCase implements ICommandHandler<CancelOrderCommand, PlacedOrderState> {
  constructor(
    @Inject(ORDER_REPOSITORY) private readonly repository: OrderRepositoryPort,
    @Inject(ORDER_READ_MODEL) private readonly readModel: OrderReadModelPort,
  ) {}

  async execute({ orderId, viewer, context }: CancelOrderCommand): Promise<PlacedOrderState> {
    const { state: current } = await this.repository.load(orderId);
    if (current.status === 'absent' || (!viewer.admin && current.customerId !== viewer.id)) throw new OrderNotFoundError(orderId);
    const { state } = await handleOrderCommand(
      this.repository,
      { type: 'CancelOrder', data: { orderId, reason: 'cancelled_by_customer', now: new Date().toISOString() } },
      context,
    );
    this.readModel.refresh();
    return state as PlacedOrderState;
  }
}
