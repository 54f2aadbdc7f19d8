import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { OrderNotFoundError } from '../../entity/order/order.errors.js';
import type { PlacedOrderState } from '../../entity/order/order.state.js';
import { ORDER_REPOSITORY, type OrderRepositoryPort } from '../port/order.repository.port.js';
import { GetOrderQuery } from './get-order.query.js';

/** @throws OrderNotFoundError (404; also for another customer's order, which is not disclosed) */
@QueryHandler(GetOrderQuery)
export class GetOrderUseCase implements IQueryHandler<GetOrderQuery, PlacedOrderState> {
  constructor(@Inject(ORDER_REPOSITORY) private readonly repository: OrderRepositoryPort) {}

  async execute({ orderId, viewer }: GetOrderQuery): Promise<PlacedOrderState> {
    const { state } = await this.repository.load(orderId);
    if (state.status === 'absent' || (!viewer.admin && state.customerId !== viewer.id)) throw new OrderNotFoundError(orderId);
    return state;
  }
}
