import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { OrderNotFoundError } from '../../entity/order/order.errors.js';
import type { PlacedOrderState } from '../../entity/order/order.state.js';
import { handleOrderCommand } from '../handle-order-command.js';
import { ORDER_READ_MODEL, type OrderReadModelPort } from '../port/order.read-model.port.js';
import { ORDER_REPOSITORY, type OrderRepositoryPort } from '../port/order.repository.port.js';
import { DEFAULT_RETURN_WINDOW_MS, ORDERING_SETTINGS, type OrderingSettings } from '../port/ordering-settings.port.js';
import { RequestReturnCommand } from './request-return.command.js';

/**
 * Starts the return of a delivered order: RefundPaymentV1 (the total back to the wallet) and
 * ReturnStockV1 (the units back into stock) leave through the outbox in the same transaction as
 * `ReturnRequested`; the saga records both replies and ends `returned`. A repeated request changes
 * nothing (payments refunds an order once, catalog returns its units once).
 * @throws OrderNotFoundError (404, also for another customer's order), OrderNotReturnableError (409)
 */
@CommandHandler(RequestReturnCommand)
export class RequestReturnUseCase implements ICommandHandler<RequestReturnCommand, PlacedOrderState> {
  constructor(
    @Inject(ORDER_REPOSITORY) private readonly repository: OrderRepositoryPort,
    @Inject(ORDER_READ_MODEL) private readonly readModel: OrderReadModelPort,
    @Inject(ORDERING_SETTINGS) private readonly settings: OrderingSettings,
  ) {}

  async execute({ orderId, viewer, context }: RequestReturnCommand): Promise<PlacedOrderState> {
    const { state: current } = await this.repository.load(orderId);
    if (current.status === 'absent' || (!viewer.admin && current.customerId !== viewer.id)) throw new OrderNotFoundError(orderId);
    const returnWindowMs = this.settings.returnWindowMs ?? DEFAULT_RETURN_WINDOW_MS;
    const { state } = await handleOrderCommand(
      this.repository,
      { type: 'RequestReturn', data: { orderId, returnWindowMs, now: new Date().toISOString() } },
      context,
    );
    this.readModel.refresh();
    return state as PlacedOrderState;
  }
}
