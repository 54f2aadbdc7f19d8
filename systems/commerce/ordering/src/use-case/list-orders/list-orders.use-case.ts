import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ORDER_READ_MODEL, type OrderPage, type OrderReadModelPort } from '../port/order.read-model.port.js';
import { ListOrdersQuery } from './list-orders.query.js';

/** @throws InvalidCursorError (400) */
@QueryHandler(ListOrdersQuery)
export class ListOrdersUseCase implements IQueryHandler<ListOrdersQuery, OrderPage> {
  constructor(@Inject(ORDER_READ_MODEL) private readonly readModel: OrderReadModelPort) {}

  execute({ viewer, limit, status, cursor }: ListOrdersQuery): Promise<OrderPage> {
    return this.readModel.list({ customerId: viewer.admin ? undefined : viewer.id, status, limit, cursor });
  }
}
