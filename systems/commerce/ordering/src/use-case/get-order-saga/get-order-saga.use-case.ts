import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { orderDecider } from '../../entity/order/order.decider.js';
import { OrderNotFoundError } from '../../entity/order/order.errors.js';
import type { PlacedOrderState } from '../../entity/order/order.state.js';
import { ORDER_REPOSITORY, type OrderRepositoryPort, type RecordedOrderEvent } from '../port/order.repository.port.js';
import { GetOrderSagaQuery } from './get-order-saga.query.js';

/** The order's current state and every step of its saga, oldest first. */
export interface OrderSaga {
  readonly state: PlacedOrderState;
  readonly history: readonly RecordedOrderEvent[];
}

/** @throws OrderNotFoundError (404) */
@QueryHandler(GetOrderSagaQuery)
export class GetOrderSagaUseCase implements IQueryHandler<GetOrderSagaQuery, OrderSaga> {
  constructor(@Inject(ORDER_REPOSITORY) private readonly repository: OrderRepositoryPort) {}

  async execute({ orderId }: GetOrderSagaQuery): Promise<OrderSaga> {
    const history = await this.repository.history(orderId);
    const state = history.reduce((s, r) => orderDecider.evolve(s, r.event), orderDecider.initialState());
    if (state.status === 'absent') throw new OrderNotFoundError(orderId);
    return { state, history };
  }
}
