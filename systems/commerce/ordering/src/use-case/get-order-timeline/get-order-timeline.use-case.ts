import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { orderDecider } from '../../entity/order/order.decider.js';
import { OrderNotFoundError } from '../../entity/order/order.errors.js';
import type { PlacedOrderState } from '../../entity/order/order.state.js';
import { orderTimeline, type TimelineStep } from '../../entity/order/order.timeline.js';
import { ORDER_REPOSITORY, type OrderRepositoryPort } from '../port/order.repository.port.js';
import { GetOrderTimelineQuery } from './get-order-timeline.query.js';

/** An order's state and its timeline (oldest first). */
export interface OrderTimeline {
  readonly state: PlacedOrderState;
  readonly steps: readonly { readonly step: TimelineStep; readonly at: string }[];
}

/** @throws OrderNotFoundError (404; also for another customer's order, which is not disclosed) */
@QueryHandler(GetOrderTimelineQuery)
export class GetOrderTimelineUseCase implements IQueryHandler<GetOrderTimelineQuery, OrderTimeline> {
  constructor(@Inject(ORDER_REPOSITORY) private readonly repository: OrderRepositoryPort) {}

  async execute({ orderId, viewer }: GetOrderTimelineQuery): Promise<OrderTimeline> {
    const events = (await this.repository.history(orderId)).map((r) => r.event);
    const state = events.reduce(orderDecider.evolve, orderDecider.initialState());
    if (state.status === 'absent' || (!viewer.admin && state.customerId !== viewer.id)) throw new OrderNotFoundError(orderId);
    return { state, steps: orderTimeline(events) };
  }
}
