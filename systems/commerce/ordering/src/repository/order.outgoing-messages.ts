import { ORDERING_EVENTS } from '@archipelago/commerce-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { OrderEvent } from '../entity/order/order.events.js';

type Name = keyof typeof ORDERING_EVENTS;

/** One message of ordering's published language, checked against its contract schema. */
function message<N extends Name>(name: N, orderId: string, payload: unknown, traceparent?: string): OutgoingMessage {
  const { topic, type, schema } = ORDERING_EVENTS[name];
  return { topic, type, key: orderId, payload: schema.parse(payload), traceparent };
}

/**
 * The saga commands and facts an order's events send (docs/systems/commerce-saga-contract.md),
 * all keyed by order id: OrderPlaced → OrderPlacedV1 + ReserveStockV1; StockReserved →
 * CapturePaymentV1; PaymentCaptured → CommitStockV1; OrderConfirmed → OrderConfirmedV1;
 * OrderShipped → OrderShippedV1; OrderDelivered → OrderDeliveredV1; ReturnRequested →
 * RefundPaymentV1 + ReturnStockV1; OrderReturned → OrderReturnedV1;
 * OrderCancelled → OrderCancelledV1 + its compensations (ReleaseStockV1, RefundPaymentV1);
 * LateReplyCompensated → its compensation again. Replies that only record a fact send nothing.
 */
export function toOutgoingMessages(events: readonly OrderEvent[], traceparent?: string): OutgoingMessage[] {
  return events.flatMap((event): OutgoingMessage[] => {
    const { orderId } = event.data;
    switch (event.type) {
      case 'OrderPlaced': {
        const { customerId, items, total, placedAt } = event.data;
        return [
          message('OrderPlacedV1', orderId, { orderId, customerId, items, total, placedAt }, traceparent),
          message('ReserveStockV1', orderId, { orderId, lines: items.map(({ productId, quantity }) => ({ productId, quantity })) }, traceparent),
        ];
      }
      case 'StockReserved': {
        const { customerId, amount } = event.data;
        return [message('CapturePaymentV1', orderId, { orderId, customerId, amount }, traceparent)];
      }
      case 'PaymentCaptured':
        return [message('CommitStockV1', orderId, { orderId }, traceparent)];
      case 'OrderConfirmed':
        return [message('OrderConfirmedV1', orderId, { orderId, at: event.data.at }, traceparent)];
      case 'OrderShipped': {
        const { customerId, carrier, trackingNumber, at } = event.data;
        return [message('OrderShippedV1', orderId, { orderId, customerId, carrier, trackingNumber, at }, traceparent)];
      }
      case 'OrderDelivered': {
        const { customerId, at } = event.data;
        return [message('OrderDeliveredV1', orderId, { orderId, customerId, at }, traceparent)];
      }
      case 'ReturnRequested': {
        const { customerId, refund } = event.data;
        return [
          message('RefundPaymentV1', orderId, { orderId, customerId, amount: refund, reason: 'returned' }, traceparent),
          message('ReturnStockV1', orderId, { orderId }, traceparent),
        ];
      }
      case 'OrderReturned': {
        const { customerId, refund, at } = event.data;
        return [message('OrderReturnedV1', orderId, { orderId, customerId, refund, at }, traceparent)];
      }
      case 'OrderCancelled': {
        const { customerId, reason, releaseStock, refund, at } = event.data;
        return [
          ...(releaseStock ? [message('ReleaseStockV1', orderId, { orderId, reason }, traceparent)] : []),
          ...(refund ? [message('RefundPaymentV1', orderId, { orderId, customerId, amount: refund, reason }, traceparent)] : []),
          message('OrderCancelledV1', orderId, { orderId, reason, at }, traceparent),
        ];
      }
      case 'LateReplyCompensated': {
        const { customerId, compensation, reply } = event.data;
        const reason = `late_${reply === 'StockReserved' ? 'stock_reserved' : 'payment_captured'}`;
        return compensation.type === 'ReleaseStock'
          ? [message('ReleaseStockV1', orderId, { orderId, reason }, traceparent)]
          : [message('RefundPaymentV1', orderId, { orderId, customerId, amount: compensation.amount, reason }, traceparent)];
      }
      default:
        return [];
    }
  });
}
