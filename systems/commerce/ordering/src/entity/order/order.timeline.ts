import type { OrderEvent } from './order.events.js';

/** A step of an order's life as customers read it. */
export type TimelineStep =
  | 'placed'
  | 'reserved'
  | 'paid'
  | 'confirmed'
  | 'shipped'
  | 'delivered'
  | 'return_requested'
  | 'restocked'
  | 'refunded'
  | 'returned'
  | 'cancelled'
  | 'stock_released';

const STEPS: Partial<Record<OrderEvent['type'], TimelineStep>> = {
  OrderPlaced: 'placed',
  StockReserved: 'reserved',
  PaymentCaptured: 'paid',
  OrderConfirmed: 'confirmed',
  OrderShipped: 'shipped',
  OrderDelivered: 'delivered',
  ReturnRequested: 'return_requested',
  StockReturned: 'restocked',
  OrderReturned: 'returned',
  OrderCancelled: 'cancelled',
  StockReleased: 'stock_released',
  PaymentRefunded: 'refunded',
};

/**
 * The customer-facing timeline of an order from its events, oldest first: each step once with the
 * time it happened (the event's own time). Saga internals without a meaning for the customer
 * (StockCommitted, rejections, late replies) are left out.
 */
export function orderTimeline(events: readonly OrderEvent[]): { step: TimelineStep; at: string }[] {
  return events.flatMap((event) => {
    const step = STEPS[event.type];
    if (!step) return [];
    const at = event.type === 'OrderPlaced' ? event.data.placedAt : event.data.at;
    return [{ step, at }];
  });
}
