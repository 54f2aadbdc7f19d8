import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PlacedOrderState } from '../../entity/order/order.state.js';
import { handleOrderCommand } from '../handle-order-command.js';
import { ORDER_READ_MODEL, type OrderReadModelPort } from '../port/order.read-model.port.js';
import { ORDER_REPOSITORY, type OrderRepositoryPort } from '../port/order.repository.port.js';
import { DeliverOrderCommand } from './deliver-order.command.js';

/**
 * Marks a shipped order delivered (admin); OrderDeliveredV1 leaves through the outbox in the same
 * transaction. Delivering a delivered order changes nothing.
 * @throws OrderNotFoundError (404), OrderFulfilmentConflictError (409: not shipped)
 */
@CommandHandler(DeliverOrderCommand)
export class DeliverOrderUseCase implements ICommandHandler<DeliverOrderCommand, PlacedOrderState> {
  constructor(
    @Inject(ORDER_REPOSITORY) private readonly repository: OrderRepositoryPort,
    @Inject(ORDER_READ_MODEL) private readonly readModel: OrderReadModelPort,
  ) {}

  async execute({ orderId, context }: DeliverOrderCommand): Promise<PlacedOrderState> {
    const { state } = await handleOrderCommand(this.repository, { type: 'DeliverOrder', data: { orderId, now: new Date().toISOString() } }, context);
    this.readModel.refresh();
    return state as PlacedOrderState;
  }
}
