import { DomainError } from '@archipelago/util-decider';

/**
 * An amount of money: `amount` in the currency's minor units (integer; cents for USD),
 * `currency` an ISO 4217 alphabetic code. Never a float.
 */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** A price in another currency than the deployment's (`COMMERCE_CURRENCY`). */
export class CurrencyMismatchError extends DomainError {
  readonly code = 'MONEY.CURRENCY_MISMATCH';
  constructor(expected: string, actual: string) {
    super(`Prices are in ${expected}; ${actual} is not accepted`, { expected, actual });
  }
}

/** An amount that is not a positive safe integer of minor units. */
export class InvalidMoneyError extends DomainError {
  readonly code = 'MONEY.INVALID';
  constructor(detail: string) {
    super(detail);
  }
}

/**
 * Checks a price against the deployment's currency. A price is > 0: a zero price would make a
 * zero order total, and a zero capture is not a payment (the wallet refuses it, so such an order
 * could never be paid and would hold its stock until the saga timeout). Giving something away is
 * a promotion, not a price, and is not a catalog feature.
 * @throws InvalidMoneyError for an amount ≤ 0 or not an integer, or a malformed code
 * @throws CurrencyMismatchError when the currency is not `deploymentCurrency`
 */
export function assertPrice(money: Money, deploymentCurrency: string): Money {
  if (!Number.isSafeInteger(money.amount) || money.amount <= 0) {
    throw new InvalidMoneyError('a price must be a positive integer of minor units (> 0)');
  }
  if (!/^[A-Z]{3}$/.test(money.currency)) throw new InvalidMoneyError('currency must be an ISO 4217 code');
  if (money.currency !== deploymentCurrency) throw new CurrencyMismatchError(deploymentCurrency, money.currency);
  return { amount: money.amount, currency: money.currency };
}
