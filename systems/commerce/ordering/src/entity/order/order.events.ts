import type { Money } from '../money.js';

/** One order line with the unit price fixed when the order was placed. */
export interface OrderLine {
  readonly productId: string;
  readonly quantity: number;
  readonly unitPrice: Money;
}

/** Why an order was cancelled (the public `cancellationReason`). */
export type CancellationReason = 'out_of_stock' | 'payment_declined' | 'cancelled_by_customer' | 'timeout';

/** The order was accepted with its priced lines; the saga starts (ReserveStock is sent). */
export interface OrderPlaced {
  readonly type: 'OrderPlaced';
  readonly data: {
    readonly orderId: string;
    readonly customerId: string;
    readonly items: readonly OrderLine[];
    readonly total: Money;
    readonly placedAt: string;
    /** ISO 8601: when the order times out if still pending (and before the point of no return). */
    readonly deadline: string;
  };
}

/** Catalog reserved every line; CapturePayment of `amount` from `customerId` is sent. */
export interface StockReserved {
  readonly type: 'StockReserved';
  readonly data: { readonly orderId: string; readonly customerId: string; readonly amount: Money; readonly at: string };
}

/** Catalog could not reserve the lines (nothing is reserved). */
export interface StockReservationRejected {
  readonly type: 'StockReservationRejected';
  readonly data: { readonly orderId: string; readonly reason: string; readonly productIds: readonly string[]; readonly at: string };
}

/** Payments debited the wallet; CommitStock is sent. From here the order can only be confirmed. */
export interface PaymentCaptured {
  readonly type: 'PaymentCaptured';
  readonly data: { readonly orderId: string; readonly transactionId: string; readonly amount: Money; readonly at: string };
}

/** Payments declined the capture (nothing was debited). */
export interface PaymentDeclined {
  readonly type: 'PaymentDeclined';
  readonly data: { readonly orderId: string; readonly reason: string; readonly at: string };
}

/** Catalog turned the reserved units into sold units. */
export interface StockCommitted {
  readonly type: 'StockCommitted';
  readonly data: { readonly orderId: string; readonly at: string };
}

/** The saga completed: the order is confirmed. */
export interface OrderConfirmed {
  readonly type: 'OrderConfirmed';
  readonly data: { readonly orderId: string; readonly at: string };
}

/** A confirmed order left the warehouse with `carrier` under `trackingNumber` (an admin's action). */
export interface OrderShipped {
  readonly type: 'OrderShipped';
  readonly data: {
    readonly orderId: string;
    readonly customerId: string;
    readonly carrier: string;
    readonly trackingNumber: string;
    readonly at: string;
  };
}

/** A shipped order reached the customer (an admin's action). */
export interface OrderDelivered {
  readonly type: 'OrderDelivered';
  readonly data: { readonly orderId: string; readonly customerId: string; readonly at: string };
}

/**
 * The customer returns a delivered order within the return window: RefundPayment of `refund`
 * (the total) and ReturnStock are sent.
 */
export interface ReturnRequested {
  readonly type: 'ReturnRequested';
  readonly data: { readonly orderId: string; readonly customerId: string; readonly refund: Money; readonly at: string };
}

/** Catalog put the returned units back into stock. */
export interface StockReturned {
  readonly type: 'StockReturned';
  readonly data: { readonly orderId: string; readonly at: string };
}

/** The return is complete: the money is back in the wallet and the units back in stock. */
export interface OrderReturned {
  readonly type: 'OrderReturned';
  readonly data: { readonly orderId: string; readonly customerId: string; readonly refund: Money; readonly at: string };
}

/**
 * The order is cancelled. `releaseStock`: ReleaseStock is sent; `refund`: RefundPayment of that
 * amount is sent (a capture had been requested), else null.
 */
export interface OrderCancelled {
  readonly type: 'OrderCancelled';
  readonly data: {
    readonly orderId: string;
    readonly customerId: string;
    readonly reason: CancellationReason;
    readonly releaseStock: boolean;
    readonly refund: Money | null;
    readonly at: string;
  };
}

/** Catalog confirmed a ReleaseStock compensation (recorded once, for the saga view). */
export interface StockReleased {
  readonly type: 'StockReleased';
  readonly data: { readonly orderId: string; readonly at: string };
}

/** Payments confirmed a RefundPayment compensation (recorded once, for the saga view). */
export interface PaymentRefunded {
  readonly type: 'PaymentRefunded';
  readonly data: { readonly orderId: string; readonly transactionId: string; readonly at: string };
}

/**
 * A success reply arrived after the order was cancelled; the compensation it needs is sent again
 * (ReleaseStock for a late StockReserved, RefundPayment for a late PaymentCaptured). Recorded once per reply kind.
 */
export interface LateReplyCompensated {
  readonly type: 'LateReplyCompensated';
  readonly data: {
    readonly orderId: string;
    readonly customerId: string;
    readonly reply: 'StockReserved' | 'PaymentCaptured';
    readonly compensation: { readonly type: 'ReleaseStock' } | { readonly type: 'RefundPayment'; readonly amount: Money };
    readonly at: string;
  };
}

/** Every event of an Order stream (the order and its saga, one stream per order). */
export type OrderEvent =
  | OrderPlaced
  | StockReserved
  | StockReservationRejected
  | PaymentCaptured
  | PaymentDeclined
  | StockCommitted
  | OrderConfirmed
  | OrderShipped
  | OrderDelivered
  | ReturnRequested
  | StockReturned
  | OrderReturned
  | OrderCancelled
  | StockReleased
  | PaymentRefunded
  | LateReplyCompensated;
