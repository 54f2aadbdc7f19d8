import type { RejectionReason, ReservationLine } from './reservation.events.js';

/**
 * State of an order's reservation: `none → reserved → committed | released`, `committed → returned`,
 * `none → rejected`, `none → released` (tombstone, `lines` empty). `returned`, `released` and
 * `rejected` are final.
 */
export type ReservationState =
  | { readonly status: 'none' }
  | { readonly status: 'reserved'; readonly orderId: string; readonly lines: readonly ReservationLine[] }
  | { readonly status: 'committed'; readonly orderId: string; readonly lines: readonly ReservationLine[] }
  | { readonly status: 'returned'; readonly orderId: string; readonly lines: readonly ReservationLine[] }
  | {
      readonly status: 'released';
      readonly orderId: string;
      readonly lines: readonly ReservationLine[];
      readonly reason: string;
    }
  | {
      readonly status: 'rejected';
      readonly orderId: string;
      readonly reason: RejectionReason;
      readonly productIds: readonly string[];
    };

export const initialReservationState = (): ReservationState => ({ status: 'none' });
