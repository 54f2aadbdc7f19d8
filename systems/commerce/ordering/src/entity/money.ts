/**
 * An amount of money: `amount` in the currency's minor units (integer; cents for USD),
 * `currency` an ISO 4217 alphabetic code. Never a float.
 */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}
