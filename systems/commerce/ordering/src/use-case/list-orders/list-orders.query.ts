import type { OrderStatus } from '../../entity/order/order.state.js';
import type { Viewer } from '../port/command-context.js';

/** One page of orders, newest first: the viewer's own, or everyone's for an admin; optionally by status. */
export class ListOrdersQuery {
  constructor(
    readonly viewer: Viewer,
    readonly limit: number,
    readonly status?: OrderStatus,
    readonly cursor?: string,
  ) {}
}
