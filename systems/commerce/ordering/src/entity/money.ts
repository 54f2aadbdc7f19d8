/**
 * An amount of money: `amount` in the currency's minor units (integer; cents for USD),
 * `currency` an ISO 4217 alphabetic code. Never a float.
 */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/**
 * The largest order total, in minor units: 10^15, the same as the largest wallet balance in
 * payments (`MAX_BALANCE`). No wallet can pay more, and every partial sum of a total up to it is an
 * exact integer (far below 2^53).
 */
export const MAX_ORDER_TOTAL = 1_000_000_000_000_000;
