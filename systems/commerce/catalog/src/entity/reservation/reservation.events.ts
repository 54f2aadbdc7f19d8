/** One line of an order's reservation: a product and its units (≥ 1). */
export interface ReservationLine {
  readonly productId: string;
  readonly quantity: number;
}

/** Why nothing was reserved for an order. */
export type RejectionReason = 'out_of_stock' | 'unknown_product' | 'cancelled';

/** Every line of the order is held (the product streams got `UnitsReserved` in the same transaction). */
export interface ReservationMade {
  readonly type: 'ReservationMade';
  readonly data: { readonly orderId: string; readonly lines: readonly ReservationLine[]; readonly at: string };
}

/** Nothing was reserved: `productIds` are the unknown products or those short of units. */
export interface ReservationRejected {
  readonly type: 'ReservationRejected';
  readonly data: {
    readonly orderId: string;
    readonly reason: RejectionReason;
    readonly productIds: readonly string[];
    readonly at: string;
  };
}

/**
 * The order's units were given back (`lines`), or, with `lines` empty, a tombstone: the release
 * came before any reservation, so a later reserve is rejected as `cancelled`.
 */
export interface ReservationReleased {
  readonly type: 'ReservationReleased';
  readonly data: {
    readonly orderId: string;
    readonly reason: string;
    readonly lines: readonly ReservationLine[];
    readonly at: string;
  };
}

/** The held units are sold (the product streams got `UnitsCommitted`). */
export interface ReservationCommitted {
  readonly type: 'ReservationCommitted';
  readonly data: { readonly orderId: string; readonly lines: readonly ReservationLine[]; readonly at: string };
}

/** The sold units came back (a return of the delivered order): the product streams got `UnitsReturned`. */
export interface ReservationReturned {
  readonly type: 'ReservationReturned';
  readonly data: { readonly orderId: string; readonly lines: readonly ReservationLine[]; readonly at: string };
}

/** Every domain event of the Reservation aggregate (stream `reservation-<orderId>`). */
export type ReservationEvent = ReservationMade | ReservationRejected | ReservationReleased | ReservationCommitted | ReservationReturned;
