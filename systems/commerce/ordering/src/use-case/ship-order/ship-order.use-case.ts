import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PlacedOrderState } from '../../entity/order/order.state.js';
import { handleOrderCommand } from '../handle-order-command.js';
import { ORDER_READ_MODEL, type OrderReadModelPort } from '../port/order.read-model.port.js';
import { ORDER_REPOSITORY, type OrderRepositoryPort } from '../port/order.repository.port.js';
import { ShipOrderCommand } from './ship-order.command.js';

/**
 * Ships a confirmed order (admin); OrderShippedV1 leaves through the outbox in the same
 * transaction. The same shipment again changes nothing.
 * @throws OrderNotFoundError (404), OrderFulfilmentConflictError (409: not confirmed, or shipped differently)
 */
@CommandHandler(ShipOrderCommand)
export class ShipOrderUseCase implements ICommandHandler<ShipOrderCommand, PlacedOrderState> {
  constructor(
    @Inject(ORDER_REPOSITORY) private readonly repository: OrderRepositoryPort,
    @Inject(ORDER_READ_MODEL) private readonly readModel: OrderReadModelPort,
  ) {}

  async execute({ orderId, carrier, trackingNumber, context }: ShipOrderCommand): Promise<PlacedOrderState> {
    const { state } = await handleOrderCommand(
      this.repository,
      { type: 'ShipOrder', data: { orderId, carrier, trackingNumber, now: new Date().toISOString() } },
      context,
    );
    this.readModel.refresh();
    return state as PlacedOrderState;
  }
}
