import { DomainError } from '@archipelago/util-decider';

/**
 * An amount of money: `amount` in the currency's minor units (integer; cents for USD),
 * `currency` an ISO 4217 alphabetic code. Never a float.
 */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** An amount in another currency than the deployment's (`COMMERCE_CURRENCY`). */
export class CurrencyMismatchError extends DomainError {
  readonly code = 'MONEY.CURRENCY_MISMATCH';
  constructor(expected: string, actual: string) {
    super(`Wallets hold ${expected}; ${actual} is not accepted`, { expected, actual });
  }
}

/** An amount that is not a positive safe integer of minor units, or a malformed currency code. */
export class InvalidMoneyError extends DomainError {
  readonly code = 'MONEY.INVALID';
  constructor(detail: string) {
    super(detail);
  }
}

/**
 * Checks that `money` is a positive amount (> 0) in the deployment's currency.
 * @throws InvalidMoneyError for an amount ≤ 0, a non-integer or a malformed code
 * @throws CurrencyMismatchError when the currency is not `deploymentCurrency`
 */
export function assertPositiveMoney(money: Money, deploymentCurrency: string): Money {
  if (!Number.isSafeInteger(money.amount) || money.amount <= 0) {
    throw new InvalidMoneyError('amount must be a positive integer of minor units');
  }
  if (!/^[A-Z]{3}$/.test(money.currency)) throw new InvalidMoneyError('currency must be an ISO 4217 code');
  if (money.currency !== deploymentCurrency) throw new CurrencyMismatchError(deploymentCurrency, money.currency);
  return { amount: money.amount, currency: money.currency };
}
