import type { Money } from '../../entity/money.js';
import type { CancellationReason, OrderLine } from '../../entity/order/order.events.js';
import type { OrderStatus } from '../../entity/order/order.state.js';

/** An order as the list shows it. */
export interface OrderSummary {
  readonly id: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly items: readonly OrderLine[];
  readonly total: Money;
  readonly cancellationReason: CancellationReason | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One page of a keyset-paginated list, newest first; `nextCursor` is opaque, `null` on the last page. */
export interface OrderPage {
  readonly items: readonly OrderSummary[];
  readonly nextCursor: string | null;
}

/** Thrown for a cursor this service did not hand out. */
export class InvalidCursorError extends Error {
  readonly code = 'PAGINATION.INVALID_CURSOR';
  constructor() {
    super('cursor is not valid');
  }
}

/** Filter of the order list; `customerId` undefined = every customer's orders (admin). */
export interface OrderListFilter {
  readonly customerId?: string;
  readonly status?: OrderStatus;
  readonly limit: number;
  readonly cursor?: string;
}

/** The order list projection (eventually consistent with the event store). */
export interface OrderReadModelPort {
  /** @throws InvalidCursorError */
  list(filter: OrderListFilter): Promise<OrderPage>;
  /** Asks the projection to catch up now (after a write), without waiting. */
  refresh(): void;
}

export const ORDER_READ_MODEL = Symbol('OrderReadModelPort');
