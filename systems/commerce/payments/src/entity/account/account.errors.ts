import { DomainError } from '@archipelago/util-decider';

/** No wallet yet: the customer never deposited. */
export class AccountNotFoundError extends DomainError {
  readonly code = 'ACCOUNT.NOT_FOUND';
  constructor(customerId: string) {
    super(`Customer ${customerId} has no wallet yet; it opens with the first deposit`, { customerId });
  }
}

/** The wallet is closed and rejects deposits and payments. */
export class AccountClosedError extends DomainError {
  readonly code = 'ACCOUNT.CLOSED';
  constructor(customerId: string) {
    super(`The wallet of customer ${customerId} is closed`, { customerId });
  }
}

/**
 * The balance is too low for a debit: `available` (the balance) and `requested` in minor units,
 * as the account model's `InsufficientFunds{available, requested}`.
 */
export class InsufficientFundsError extends DomainError {
  readonly code = 'ACCOUNT.INSUFFICIENT_FUNDS';
  constructor(customerId: string, available: number, requested: number) {
    super(`The wallet holds ${available}, less than the ${requested} requested`, { customerId, available, requested });
  }
}

/** The Idempotency-Key was used before with another request body. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY.KEY_REUSED';
  constructor(key: string) {
    super(`Idempotency-Key ${key} was already used with a different request`, { key });
  }
}

/** A refund for the order arrived before its capture (tombstone): the capture is refused. */
export class PaymentCancelledError extends DomainError {
  readonly code = 'PAYMENT.CANCELLED';
  constructor(orderId: string) {
    super(`The payment of order ${orderId} was cancelled before it was captured`, { orderId });
  }
}
