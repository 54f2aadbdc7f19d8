import { deciderSpec } from '@archipelago/testing-decider';
import { fold } from '@archipelago/util-decider';
import { describe, expect, it } from 'vitest';
import { orderDecider, type OrderCommand } from './order.decider.js';
import {
  EmptyOrderError,
  InvalidOrderError,
  OrderAlreadyExistsError,
  OrderFulfilmentConflictError,
  OrderNotCancellableError,
  OrderNotFoundError,
  OrderNotReturnableError,
  UnknownProductError,
} from './order.errors.js';
import { orderTimeline } from './order.timeline.js';
import type { OrderEvent, OrderPlaced } from './order.events.js';
import { MAX_LINE_QUANTITY } from './place-order.decision.js';
import { MAX_ORDER_TOTAL } from '../money.js';

const spec = deciderSpec(orderDecider);
const t0 = '2026-11-21T10:00:00.000Z';
const now = '2026-11-21T10:00:05.000Z';
const late = '2026-11-21T10:00:31.000Z';
const orderId = 'o1';
const customerId = 'c1';
const usd = (amount: number) => ({ amount, currency: 'USD' });
const total = usd(2 * 1250 + 300);

const placed: OrderPlaced = {
  type: 'OrderPlaced',
  data: {
    orderId,
    customerId,
    items: [
      { productId: 'p1', quantity: 2, unitPrice: usd(1250) },
      { productId: 'p2', quantity: 1, unitPrice: usd(300) },
    ],
    total,
    placedAt: t0,
    deadline: '2026-11-21T10:00:30.000Z',
  },
};
const place = (over: Partial<Extract<OrderCommand, { type: 'PlaceOrder' }>['data']> = {}): OrderCommand => ({
  type: 'PlaceOrder',
  data: {
    orderId,
    customerId,
    lines: [
      { productId: 'p1', quantity: 2 },
      { productId: 'p2', quantity: 1 },
    ],
    prices: { p1: usd(1250), p2: usd(300) },
    currency: 'USD',
    now: t0,
    timeoutMs: 30_000,
    ...over,
  },
});
const reply = <T extends Exclude<OrderCommand['type'], 'PlaceOrder'>>(type: T, data: object = {}, at = now) =>
  ({ type, data: { orderId, now: at, ...data } }) as OrderCommand;
const cancel = (reason: 'cancelled_by_customer' | 'timeout', at = now) => reply('CancelOrder', { reason }, at);

const reserved: OrderEvent = { type: 'StockReserved', data: { orderId, customerId, amount: total, at: now } };
const captured: OrderEvent = { type: 'PaymentCaptured', data: { orderId, transactionId: 'tx1', amount: total, at: now } };
const cancelledEvent = (reason: 'cancelled_by_customer' | 'timeout' | 'out_of_stock' | 'payment_declined', releaseStock: boolean, refund: typeof total | null, at = now): OrderEvent => ({
  type: 'OrderCancelled',
  data: { orderId, customerId, reason, releaseStock, refund, at },
});
const confirmedHistory: OrderEvent[] = [
  placed,
  reserved,
  captured,
  { type: 'StockCommitted', data: { orderId, at: now } },
  { type: 'OrderConfirmed', data: { orderId, at: now } },
];

describe('Order saga: placement', () => {
  it('prices the lines from the catalog, totals them and sets the deadline', () => spec.given([]).when(place()).then([placed]));
  it('merges lines of the same product', () =>
    spec
      .given([])
      .when(place({ lines: [{ productId: 'p1', quantity: 1 }, { productId: 'p2', quantity: 1 }, { productId: 'p1', quantity: 1 }] }))
      .then([placed]));
  it('refuses an empty order', () => spec.given([]).when(place({ lines: [] })).thenThrows(EmptyOrderError));
  it('refuses unknown products, naming them', () =>
    spec
      .given([])
      .when(place({ prices: { p1: usd(1250) } }))
      .thenThrows(UnknownProductError, (e) => expect((e as UnknownProductError).details).toEqual({ productIds: ['p2'] })));
  it('refuses a price in another currency', () =>
    spec.given([]).when(place({ prices: { p1: usd(1250), p2: { amount: 300, currency: 'EUR' } } })).thenThrows(InvalidOrderError));
  it('refuses a zero quantity', () => spec.given([]).when(place({ lines: [{ productId: 'p1', quantity: 0 }] })).thenThrows(InvalidOrderError));
  it('applies the per-product quantity cap after merging duplicate lines (security review: 100 × 10,000 units)', () => {
    const hundredLines = Array.from({ length: 100 }, () => ({ productId: 'p1', quantity: MAX_LINE_QUANTITY }));
    spec.given([]).when(place({ lines: hundredLines })).thenThrows(InvalidOrderError);
    spec
      .given([])
      .when(place({ lines: [{ productId: 'p1', quantity: MAX_LINE_QUANTITY / 2 }, { productId: 'p1', quantity: MAX_LINE_QUANTITY / 2 + 1 }] }))
      .thenThrows(InvalidOrderError);
    const atCap = spec.given([]).when(place({ lines: [{ productId: 'p1', quantity: MAX_LINE_QUANTITY - 1 }, { productId: 'p1', quantity: 1 }] }));
    atCap.then([{ ...placed, data: { ...placed.data, items: [{ productId: 'p1', quantity: MAX_LINE_QUANTITY, unitPrice: usd(1250) }], total: usd(1250 * MAX_LINE_QUANTITY) } }]);
  });
  it('refuses a product priced 0 (an order that could never be paid)', () =>
    spec.given([]).when(place({ prices: { p1: usd(0), p2: usd(300) } })).thenThrows(InvalidOrderError));
  it('refuses a total above MAX_ORDER_TOTAL, which no wallet can hold', () => {
    spec.given([]).when(place({ lines: [{ productId: 'p1', quantity: 2 }], prices: { p1: usd(MAX_ORDER_TOTAL / 2 + 1) } })).thenThrows(InvalidOrderError);
    spec.given([]).when(place({ lines: [{ productId: 'p1', quantity: 3 }], prices: { p1: usd(Number.MAX_SAFE_INTEGER) } })).thenThrows(InvalidOrderError);
  });
  it('refuses to place the same order twice', () => spec.given([placed]).when(place()).thenThrows(OrderAlreadyExistsError));
});

describe('Order saga: happy path', () => {
  it('stock reserved → capture requested', () => spec.given([placed]).when(reply('RecordStockReserved')).then([reserved]));
  it('payment captured → commit requested', () =>
    spec.given([placed, reserved]).when(reply('RecordPaymentCaptured', { transactionId: 'tx1', amount: total })).then([captured]));
  it('stock committed → confirmed', () =>
    spec
      .given([placed, reserved, captured])
      .when(reply('RecordStockCommitted'))
      .then([
        { type: 'StockCommitted', data: { orderId, at: now } },
        { type: 'OrderConfirmed', data: { orderId, at: now } },
      ]));
  it('folds to a confirmed order', () => {
    const state = fold(orderDecider, confirmedHistory);
    expect(state).toMatchObject({ status: 'confirmed', step: 'finished', cancellationReason: null, total });
  });
});

describe('Order saga: failures', () => {
  it('out of stock → cancelled out_of_stock, nothing to compensate', () =>
    spec
      .given([placed])
      .when(reply('RecordStockReservationRejected', { reason: 'out_of_stock', productIds: ['p1'] }))
      .then([
        { type: 'StockReservationRejected', data: { orderId, reason: 'out_of_stock', productIds: ['p1'], at: now } },
        cancelledEvent('out_of_stock', false, null),
      ]));
  it('unknown product at catalog → cancelled out_of_stock as well', () => {
    const events = orderDecider.decide(reply('RecordStockReservationRejected', { reason: 'unknown_product', productIds: ['p2'] }), fold(orderDecider, [placed]));
    expect(fold(orderDecider, [placed, ...events])).toMatchObject({ status: 'cancelled', cancellationReason: 'out_of_stock' });
  });
  it('payment declined → cancelled payment_declined and stock released', () =>
    spec
      .given([placed, reserved])
      .when(reply('RecordPaymentDeclined', { reason: 'insufficient_funds' }))
      .then([
        { type: 'PaymentDeclined', data: { orderId, reason: 'insufficient_funds', at: now } },
        cancelledEvent('payment_declined', true, null),
      ]));
});

describe('Order saga: customer cancel and timeout', () => {
  it('while awaiting stock: cancelled, ReleaseStock only', () =>
    spec.given([placed]).when(cancel('cancelled_by_customer')).then([cancelledEvent('cancelled_by_customer', true, null)]));
  it('while awaiting payment: cancelled, ReleaseStock and RefundPayment (capture was requested)', () =>
    spec.given([placed, reserved]).when(cancel('cancelled_by_customer')).then([cancelledEvent('cancelled_by_customer', true, total)]));
  it('after the payment is captured: refused (point of no return)', () =>
    spec.given([placed, reserved, captured]).when(cancel('cancelled_by_customer')).thenThrows(OrderNotCancellableError));
  it('once confirmed: refused', () => spec.given(confirmedHistory).when(cancel('cancelled_by_customer')).thenThrows(OrderNotCancellableError));
  it('once cancelled: refused', () =>
    spec.given([placed, cancelledEvent('cancelled_by_customer', true, null)]).when(cancel('cancelled_by_customer')).thenThrows(OrderNotCancellableError));
  it('an unknown order: not found', () => spec.given([]).when(cancel('cancelled_by_customer')).thenThrows(OrderNotFoundError));
  it('timeout past the deadline while awaiting stock: cancelled timeout, ReleaseStock', () =>
    spec.given([placed]).when(cancel('timeout', late)).then([cancelledEvent('timeout', true, null, late)]));
  it('timeout past the deadline while awaiting payment: ReleaseStock and RefundPayment', () =>
    spec.given([placed, reserved]).when(cancel('timeout', late)).then([cancelledEvent('timeout', true, total, late)]));
  it('timeout before the deadline: nothing', () => spec.given([placed]).when(cancel('timeout', now)).then([]));
  it('timeout after the point of no return or once finished: nothing', () => {
    spec.given([placed, reserved, captured]).when(cancel('timeout', late)).then([]);
    spec.given(confirmedHistory).when(cancel('timeout', late)).then([]);
    spec.given([placed, cancelledEvent('cancelled_by_customer', true, null)]).when(cancel('timeout', late)).then([]);
  });
});

describe('Order saga: duplicate and late replies', () => {
  const cancelledWhileAwaitingPayment = [placed, reserved, cancelledEvent('cancelled_by_customer', true, total)];
  it('a duplicate StockReserved changes nothing', () => spec.given([placed, reserved]).when(reply('RecordStockReserved')).then([]));
  it('a duplicate PaymentCaptured changes nothing', () =>
    spec.given([placed, reserved, captured]).when(reply('RecordPaymentCaptured', { transactionId: 'tx1', amount: total })).then([]));
  it('replies to a confirmed order change nothing', () => {
    for (const command of [
      reply('RecordStockReserved'),
      reply('RecordPaymentCaptured', { transactionId: 'tx1', amount: total }),
      reply('RecordPaymentDeclined', { reason: 'insufficient_funds' }),
      reply('RecordStockReservationRejected', { reason: 'out_of_stock', productIds: [] }),
      reply('RecordStockCommitted'),
      reply('RecordStockReleased'),
    ]) {
      spec.given(confirmedHistory).when(command).then([]);
    }
  });
  it('replies out of step change nothing (e.g. a capture before the reservation)', () => {
    spec.given([placed]).when(reply('RecordPaymentCaptured', { transactionId: 'tx1', amount: total })).then([]);
    spec.given([placed, reserved]).when(reply('RecordStockCommitted')).then([]);
    spec.given([placed, reserved]).when(reply('RecordStockReservationRejected', { reason: 'out_of_stock', productIds: [] })).then([]);
  });
  it('a late PaymentCaptured after cancellation sends RefundPayment again, once', () => {
    const late: OrderEvent = {
      type: 'LateReplyCompensated',
      data: { orderId, customerId, reply: 'PaymentCaptured', compensation: { type: 'RefundPayment', amount: total }, at: now },
    };
    spec.given(cancelledWhileAwaitingPayment).when(reply('RecordPaymentCaptured', { transactionId: 'tx1', amount: total })).then([late]);
    spec.given([...cancelledWhileAwaitingPayment, late]).when(reply('RecordPaymentCaptured', { transactionId: 'tx1', amount: total })).then([]);
  });
  it('a late StockReserved after cancellation sends ReleaseStock again', () =>
    spec
      .given([placed, cancelledEvent('timeout', true, null)])
      .when(reply('RecordStockReserved'))
      .then([{ type: 'LateReplyCompensated', data: { orderId, customerId, reply: 'StockReserved', compensation: { type: 'ReleaseStock' }, at: now } }]));
  it('a late decline or rejection after cancellation changes nothing', () => {
    spec.given(cancelledWhileAwaitingPayment).when(reply('RecordPaymentDeclined', { reason: 'cancelled' })).then([]);
    spec.given([placed, cancelledEvent('cancelled_by_customer', true, null)]).when(reply('RecordStockReservationRejected', { reason: 'cancelled', productIds: [] })).then([]);
  });
  it('records compensation acknowledgements once, without touching the order', () => {
    const released: OrderEvent = { type: 'StockReleased', data: { orderId, at: late } };
    spec.given(cancelledWhileAwaitingPayment).when(reply('RecordStockReleased', {}, late)).then([released]);
    spec.given([...cancelledWhileAwaitingPayment, released]).when(reply('RecordStockReleased', {}, late)).then([]);
    const before = fold(orderDecider, cancelledWhileAwaitingPayment);
    const after = fold(orderDecider, [...cancelledWhileAwaitingPayment, released]);
    expect(after).toMatchObject({ status: before.status, ...(before.status !== 'absent' && { updatedAt: before.updatedAt }) });
  });
  it('ignores replies for an order it does not know', () => spec.given([]).when(reply('RecordStockReserved')).then([]));
});

describe('Order fulfilment: confirmed → shipped → delivered', () => {
  const ship = (carrier = 'DHL', trackingNumber = 'TRACK-1', at = late) => reply('ShipOrder', { carrier, trackingNumber }, at);
  const deliver = (at = late) => reply('DeliverOrder', {}, at);
  const shipped: OrderEvent = { type: 'OrderShipped', data: { orderId, customerId, carrier: 'DHL', trackingNumber: 'TRACK-1', at: late } };
  const delivered: OrderEvent = { type: 'OrderDelivered', data: { orderId, customerId, at: late } };

  it('ships a confirmed order, once: the same shipment again decides nothing, another one is a conflict', () => {
    spec.given(confirmedHistory).when(ship()).then([shipped]);
    spec.given([...confirmedHistory, shipped]).when(ship()).then([]);
    spec.given([...confirmedHistory, shipped]).when(ship('UPS', 'OTHER')).thenThrows(OrderFulfilmentConflictError);
  });
  it('refuses to ship an order that is not confirmed', () => {
    spec.given([placed]).when(ship()).thenThrows(OrderFulfilmentConflictError);
    spec.given([placed, reserved, captured]).when(ship()).thenThrows(OrderFulfilmentConflictError);
    spec.given([placed, cancelledEvent('cancelled_by_customer', true, null)]).when(ship()).thenThrows(OrderFulfilmentConflictError);
    spec.given([]).when(ship()).thenThrows(OrderNotFoundError);
  });
  it('delivers a shipped order once, and nothing else', () => {
    spec.given([...confirmedHistory, shipped]).when(deliver()).then([delivered]);
    spec.given([...confirmedHistory, shipped, delivered]).when(deliver()).then([]);
    spec.given(confirmedHistory).when(deliver()).thenThrows(OrderFulfilmentConflictError);
    spec.given([]).when(deliver()).thenThrows(OrderNotFoundError);
  });
  it('cannot cancel a shipped or delivered order', () => {
    spec.given([...confirmedHistory, shipped]).when(cancel('cancelled_by_customer')).thenThrows(OrderNotCancellableError);
    spec.given([...confirmedHistory, shipped, delivered]).when(cancel('timeout', late)).then([]);
  });
  it('folds to a delivered order with its shipment', () => {
    const state = [...confirmedHistory, shipped, delivered].reduce(orderDecider.evolve, orderDecider.initialState());
    expect(state).toMatchObject({ status: 'delivered', shipment: { carrier: 'DHL', trackingNumber: 'TRACK-1', shippedAt: late }, deliveredAt: late });
  });
  it('gives the timeline of every customer-visible step with its time', () => {
    expect(orderTimeline([...confirmedHistory, shipped, delivered])).toEqual([
      { step: 'placed', at: t0 },
      { step: 'reserved', at: now },
      { step: 'paid', at: now },
      { step: 'confirmed', at: now },
      { step: 'shipped', at: late },
      { step: 'delivered', at: late },
    ]);
    expect(orderTimeline([placed, reserved, cancelledEvent('timeout', true, total), { type: 'StockReleased', data: { orderId, at: late } }]).map((s) => s.step)).toEqual([
      'placed',
      'reserved',
      'cancelled',
      'stock_released',
    ]);
  });
});

describe('Order return: delivered → returning → returned (refund and restock through the saga)', () => {
  const deliveredAt = '2026-11-22T10:00:00.000Z';
  const history: OrderEvent[] = [
    ...confirmedHistory,
    { type: 'OrderShipped', data: { orderId, customerId, carrier: 'DHL', trackingNumber: 'T1', at: deliveredAt } },
    { type: 'OrderDelivered', data: { orderId, customerId, at: deliveredAt } },
  ];
  const window = 86_400_000;
  const requestAt = (at: string) => reply('RequestReturn', { returnWindowMs: window }, at);
  const inWindow = '2026-11-23T09:59:59.000Z';
  const requested: OrderEvent = { type: 'ReturnRequested', data: { orderId, customerId, refund: total, at: inWindow } };
  const refunded: OrderEvent = { type: 'PaymentRefunded', data: { orderId, transactionId: 'r1', at: inWindow } };
  const restocked: OrderEvent = { type: 'StockReturned', data: { orderId, at: inWindow } };
  const returned: OrderEvent = { type: 'OrderReturned', data: { orderId, customerId, refund: total, at: inWindow } };

  it('accepts a return within the window after delivery, once', () => {
    spec.given(history).when(requestAt(inWindow)).then([requested]);
    spec.given([...history, requested]).when(requestAt(inWindow)).then([]);
    spec.given([...history, requested, refunded, restocked, returned]).when(requestAt(inWindow)).then([]);
  });
  it('refuses a return after the window, or of an order not delivered', () => {
    spec.given(history).when(requestAt('2026-11-23T10:00:01.000Z')).thenThrows(OrderNotReturnableError);
    spec.given(confirmedHistory).when(requestAt(inWindow)).thenThrows(OrderNotReturnableError);
    spec.given([placed]).when(requestAt(inWindow)).thenThrows(OrderNotReturnableError);
    spec.given([]).when(requestAt(inWindow)).thenThrows(OrderNotFoundError);
  });
  it('ends returned once both the refund and the restock are recorded, in either order, each once', () => {
    const refundReply = reply('RecordPaymentRefunded', { transactionId: 'r1' }, inWindow);
    const restockReply = reply('RecordStockReturned', {}, inWindow);
    spec.given([...history, requested]).when(refundReply).then([refunded]);
    spec.given([...history, requested, refunded]).when(restockReply).then([restocked, returned]);
    spec.given([...history, requested]).when(restockReply).then([restocked]);
    spec.given([...history, requested, restocked]).when(refundReply).then([refunded, returned]);
    spec.given([...history, requested, restocked, refunded, returned]).when(refundReply).then([]);
    spec.given([...history, requested, restocked, refunded, returned]).when(restockReply).then([]);
  });
  it('ignores a restock reply for an order that is not being returned', () => spec.given(history).when(reply('RecordStockReturned', {}, inWindow)).then([]));
  it('cannot be cancelled, shipped or delivered again while returning', () => {
    spec.given([...history, requested]).when(cancel('cancelled_by_customer')).thenThrows(OrderNotCancellableError);
    spec.given([...history, requested]).when(reply('DeliverOrder', {}, inWindow)).thenThrows(OrderFulfilmentConflictError);
  });
  it('shows the return on the timeline', () =>
    expect(orderTimeline([...history, requested, refunded, restocked, returned]).slice(-4).map((s) => s.step)).toEqual([
      'return_requested',
      'refunded',
      'restocked',
      'returned',
    ]));
});
