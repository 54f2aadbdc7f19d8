import type { Decider } from '@archipelago/util-decider';
import type { Money } from '../money.js';
import {
  OrderAlreadyExistsError,
  OrderFulfilmentConflictError,
  OrderNotCancellableError,
  OrderNotFoundError,
  OrderNotReturnableError,
} from './order.errors.js';
import type { OrderEvent } from './order.events.js';
import { initialOrderState, type OrderState, type PlacedOrderState } from './order.state.js';
import { decidePlacement, type PlaceOrderInput } from './place-order.decision.js';

type Cmd<Type extends string, Data> = { readonly type: Type; readonly data: Data & { readonly orderId: string; readonly now: string } };

/**
 * Commands of the Order aggregate, which is also the saga's process manager: placement, cancel
 * (by the customer or the timeout) and one command per reply of catalog and payments.
 * `now` (ISO 8601) comes from outside: decide stays pure.
 */
export type OrderCommand =
  | { readonly type: 'PlaceOrder'; readonly data: PlaceOrderInput }
  | Cmd<'CancelOrder', { readonly reason: 'cancelled_by_customer' | 'timeout' }>
  | Cmd<'RecordStockReserved', object>
  | Cmd<'RecordStockReservationRejected', { readonly reason: string; readonly productIds: readonly string[] }>
  | Cmd<'RecordPaymentCaptured', { readonly transactionId: string; readonly amount: Money }>
  | Cmd<'RecordPaymentDeclined', { readonly reason: string }>
  | Cmd<'RecordStockCommitted', object>
  | Cmd<'RecordStockReleased', object>
  | Cmd<'RecordPaymentRefunded', { readonly transactionId: string }>
  | Cmd<'ShipOrder', { readonly carrier: string; readonly trackingNumber: string }>
  | Cmd<'DeliverOrder', object>
  | Cmd<'RequestReturn', { readonly returnWindowMs: number }>
  | Cmd<'RecordStockReturned', object>;

const awaiting = (state: PlacedOrderState, step: PlacedOrderState['step']) => state.status === 'pending' && state.step === step;

/**
 * Decides the events of an Order command. Replies are applied only in the state that expects
 * them; a duplicate or late reply decides nothing, except a late success after cancellation,
 * which sends its compensation again (once per reply kind). A reply for an unknown order is ignored.
 * Fulfilment: confirmed → shipped (ShipOrder) → delivered (DeliverOrder); repeating a step with the
 * same data decides nothing (idempotent), anything else out of order is a conflict. A return
 * (delivered, within `returnWindowMs` of delivery) → returning: RefundPayment and ReturnStock are
 * sent; once both replies are recorded (in either order, each once) → returned.
 * @throws OrderAlreadyExistsError, OrderNotFoundError, OrderNotCancellableError,
 *   OrderFulfilmentConflictError, OrderNotReturnableError, and the placement errors
 */
export function decideOrder(command: OrderCommand, state: OrderState): OrderEvent[] {
  if (command.type === 'PlaceOrder') {
    if (state.status !== 'absent') throw new OrderAlreadyExistsError(command.data.orderId);
    return [decidePlacement(command.data)];
  }
  const { orderId, now: at } = command.data;
  if (state.status === 'absent') {
    if (['CancelOrder', 'ShipOrder', 'DeliverOrder', 'RequestReturn'].includes(command.type)) throw new OrderNotFoundError(orderId);
    return [];
  }
  const { customerId } = state;
  switch (command.type) {
    case 'CancelOrder': {
      const { reason } = command.data;
      const cancellable = awaiting(state, 'awaiting_stock') || awaiting(state, 'awaiting_payment');
      if (reason === 'timeout' && (!cancellable || Date.parse(at) < Date.parse(state.deadline))) return [];
      if (!cancellable) throw new OrderNotCancellableError(orderId, state.status === 'pending' ? 'being confirmed' : state.status);
      const refund = state.step === 'awaiting_payment' ? state.total : null;
      return [{ type: 'OrderCancelled', data: { orderId, customerId, reason, releaseStock: true, refund, at } }];
    }
    case 'RecordStockReserved':
      if (awaiting(state, 'awaiting_stock')) return [{ type: 'StockReserved', data: { orderId, customerId, amount: state.total, at } }];
      if (state.status === 'cancelled' && !state.lateCompensated.includes('StockReserved')) {
        return [{ type: 'LateReplyCompensated', data: { orderId, customerId, reply: 'StockReserved', compensation: { type: 'ReleaseStock' }, at } }];
      }
      return [];
    case 'RecordStockReservationRejected': {
      if (!awaiting(state, 'awaiting_stock')) return [];
      const { reason, productIds } = command.data;
      return [
        { type: 'StockReservationRejected', data: { orderId, reason, productIds, at } },
        { type: 'OrderCancelled', data: { orderId, customerId, reason: 'out_of_stock', releaseStock: false, refund: null, at } },
      ];
    }
    case 'RecordPaymentCaptured': {
      const { transactionId, amount } = command.data;
      if (awaiting(state, 'awaiting_payment')) return [{ type: 'PaymentCaptured', data: { orderId, transactionId, amount, at } }];
      if (state.status === 'cancelled' && !state.lateCompensated.includes('PaymentCaptured')) {
        const compensation = { type: 'RefundPayment' as const, amount };
        return [{ type: 'LateReplyCompensated', data: { orderId, customerId, reply: 'PaymentCaptured', compensation, at } }];
      }
      return [];
    }
    case 'RecordPaymentDeclined':
      if (!awaiting(state, 'awaiting_payment')) return [];
      return [
        { type: 'PaymentDeclined', data: { orderId, reason: command.data.reason, at } },
        { type: 'OrderCancelled', data: { orderId, customerId, reason: 'payment_declined', releaseStock: true, refund: null, at } },
      ];
    case 'RecordStockCommitted':
      if (!awaiting(state, 'awaiting_commit')) return [];
      return [
        { type: 'StockCommitted', data: { orderId, at } },
        { type: 'OrderConfirmed', data: { orderId, at } },
      ];
    case 'RecordStockReleased':
      return state.status === 'cancelled' && !state.stockReleased ? [{ type: 'StockReleased', data: { orderId, at } }] : [];
    case 'RecordPaymentRefunded': {
      if ((state.status !== 'cancelled' && state.status !== 'returning') || state.paymentRefunded) return [];
      const refunded: OrderEvent = { type: 'PaymentRefunded', data: { orderId, transactionId: command.data.transactionId, at } };
      if (state.status === 'returning' && state.stockReturned) return [refunded, returnedEvent(state, at)];
      return [refunded];
    }
    case 'RequestReturn': {
      if (state.status === 'returning' || state.status === 'returned') return [];
      if (state.status !== 'delivered' || !state.deliveredAt) throw new OrderNotReturnableError(orderId, `it is ${state.status}, not delivered`);
      if (Date.parse(at) > Date.parse(state.deliveredAt) + command.data.returnWindowMs) {
        throw new OrderNotReturnableError(orderId, `the return window closed ${command.data.returnWindowMs} ms after delivery`);
      }
      return [{ type: 'ReturnRequested', data: { orderId, customerId, refund: state.total, at } }];
    }
    case 'RecordStockReturned': {
      if (state.status !== 'returning' || state.stockReturned) return [];
      const returned: OrderEvent = { type: 'StockReturned', data: { orderId, at } };
      return state.paymentRefunded ? [returned, returnedEvent(state, at)] : [returned];
    }
    case 'ShipOrder': {
      const { carrier, trackingNumber } = command.data;
      if (state.shipment) {
        if (state.shipment.carrier === carrier && state.shipment.trackingNumber === trackingNumber) return [];
        throw new OrderFulfilmentConflictError(orderId, 'ship', state.status, `Order ${orderId} was already shipped with ${state.shipment.carrier} ${state.shipment.trackingNumber}`);
      }
      if (state.status !== 'confirmed') throw new OrderFulfilmentConflictError(orderId, 'ship', state.status);
      return [{ type: 'OrderShipped', data: { orderId, customerId, carrier, trackingNumber, at } }];
    }
    case 'DeliverOrder':
      if (state.status === 'delivered') return [];
      if (state.status !== 'shipped') throw new OrderFulfilmentConflictError(orderId, 'deliver', state.status);
      return [{ type: 'OrderDelivered', data: { orderId, customerId, at } }];
  }
}

const returnedEvent = (state: PlacedOrderState, at: string): OrderEvent => ({
  type: 'OrderReturned',
  data: { orderId: state.id, customerId: state.customerId, refund: state.total, at },
});

/** Folds one Order event into the state. */
export function evolveOrder(state: OrderState, event: OrderEvent): OrderState {
  if (event.type === 'OrderPlaced') {
    const { orderId, customerId, items, total, placedAt, deadline } = event.data;
    return {
      status: 'pending',
      id: orderId,
      customerId,
      items,
      total,
      step: 'awaiting_stock',
      cancellationReason: null,
      createdAt: placedAt,
      updatedAt: placedAt,
      deadline,
      stockReleased: false,
      paymentRefunded: false,
      lateCompensated: [],
      shipment: null,
      deliveredAt: null,
      stockReturned: false,
    };
  }
  if (state.status === 'absent') return state;
  // Acknowledgements and late replies after cancellation are saga bookkeeping: the order itself does not change.
  const bookkeeping = event.type === 'StockReleased' || event.type === 'PaymentRefunded' || event.type === 'LateReplyCompensated';
  const next = bookkeeping ? state : { ...state, updatedAt: event.data.at };
  switch (event.type) {
    case 'StockReserved':
      return { ...next, step: 'awaiting_payment' };
    case 'PaymentCaptured':
      return { ...next, step: 'awaiting_commit' };
    case 'OrderConfirmed':
      return { ...next, status: 'confirmed', step: 'finished' };
    case 'OrderShipped': {
      const { carrier, trackingNumber, at } = event.data;
      return { ...next, status: 'shipped', shipment: { carrier, trackingNumber, shippedAt: at } };
    }
    case 'OrderDelivered':
      return { ...next, status: 'delivered', deliveredAt: event.data.at };
    case 'ReturnRequested':
      return { ...next, status: 'returning' };
    case 'StockReturned':
      return { ...next, stockReturned: true };
    case 'OrderReturned':
      return { ...next, status: 'returned' };
    case 'OrderCancelled':
      return { ...next, status: 'cancelled', step: 'finished', cancellationReason: event.data.reason };
    case 'StockReleased':
      return { ...next, stockReleased: true };
    case 'PaymentRefunded':
      return { ...next, paymentRefunded: true };
    case 'LateReplyCompensated':
      return { ...next, lateCompensated: [...state.lateCompensated, event.data.reply] };
    default:
      return next;
  }
}

/** The Order decider (Emmett-style `decide`/`evolve`/`initialState`). */
export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  decide: decideOrder,
  evolve: evolveOrder,
  initialState: initialOrderState,
};
