import type { Money } from '../money.js';
import type { CancellationReason, OrderLine } from './order.events.js';

/** Public lifecycle of an order. */
export type OrderStatus = 'pending' | 'confirmed' | 'shipped' | 'delivered' | 'returning' | 'returned' | 'cancelled';

/** How a shipped order travels (set by `OrderShipped`). */
export interface Shipment {
  readonly carrier: string;
  readonly trackingNumber: string;
  readonly shippedAt: string;
}

/**
 * Where the saga stands: waiting for catalog's reservation, for payments' capture, for catalog's
 * commit (the point of no return: payment taken, the order can only be confirmed), or finished.
 */
export type SagaStep = 'awaiting_stock' | 'awaiting_payment' | 'awaiting_commit' | 'finished';

/** An order that exists. */
export interface PlacedOrderState {
  readonly status: OrderStatus;
  readonly id: string;
  readonly customerId: string;
  readonly items: readonly OrderLine[];
  readonly total: Money;
  readonly step: SagaStep;
  readonly cancellationReason: CancellationReason | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deadline: string;
  /** Compensation replies and late replies already recorded (each is recorded once). */
  readonly stockReleased: boolean;
  readonly paymentRefunded: boolean;
  readonly lateCompensated: readonly ('StockReserved' | 'PaymentCaptured')[];
  /** Set once shipped; `deliveredAt` once delivered. */
  readonly shipment: Shipment | null;
  readonly deliveredAt: string | null;
  /** The return's replies recorded so far (while `returning`). */
  readonly stockReturned: boolean;
}

/** State of an Order stream: nothing before `OrderPlaced`. */
export type OrderState = { readonly status: 'absent' } | PlacedOrderState;

export const initialOrderState = (): OrderState => ({ status: 'absent' });
