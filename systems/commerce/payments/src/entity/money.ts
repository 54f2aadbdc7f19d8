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
 * The largest balance a wallet may hold, in minor units: 10^15 (ten trillion dollars in cents).
 * A JavaScript number is exact up to 2^53 − 1 ≈ 9.007 × 10^15; a balance and an amount are each at
 * most this limit, so their sum (≤ 2 × 10^15) is always exact, and it is checked against the limit
 * before anything is booked. Without it, 2 × 9007199254740991 + 1 rounds and the ledger and the
 * balance disagree.
 */
export const MAX_BALANCE = 1_000_000_000_000_000;

/** A credit (deposit, refund, return) that would take the balance past {@link MAX_BALANCE}. */
export class BalanceLimitExceededError extends DomainError {
  readonly code = 'ACCOUNT.BALANCE_LIMIT_EXCEEDED';
  constructor(balance: number, amount: number) {
    super(`A balance of ${balance} plus ${amount} would exceed the maximum balance of ${MAX_BALANCE} minor units`, {
      balance,
      amount,
      maxBalance: MAX_BALANCE,
    });
  }
}

/**
 * The balance after crediting `amount` (both in minor units, both ≥ 0).
 * @throws BalanceLimitExceededError when the result would exceed {@link MAX_BALANCE}
 */
export function creditBalance(balance: number, amount: number): number {
  if (amount > MAX_BALANCE || balance > MAX_BALANCE - amount) throw new BalanceLimitExceededError(balance, amount);
  return balance + amount;
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
