import { DomainError } from '@archipelago/util-decider';

/** No order with this id (or, for a customer, none of theirs: another customer's order is not disclosed). */
export class OrderNotFoundError extends DomainError {
  readonly code = 'ORDER.NOT_FOUND';
  constructor(orderId: string) {
    super(`Order ${orderId} does not exist`, { orderId });
  }
}

/** An order with this id already exists. */
export class OrderAlreadyExistsError extends DomainError {
  readonly code = 'ORDER.ALREADY_EXISTS';
  constructor(orderId: string) {
    super(`Order ${orderId} already exists`, { orderId });
  }
}

/** An order needs at least one line. */
export class EmptyOrderError extends DomainError {
  readonly code = 'ORDER.EMPTY';
  constructor() {
    super('An order needs at least one item');
  }
}

/** Some products of the order are not in the catalog. */
export class UnknownProductError extends DomainError {
  readonly code = 'ORDER.UNKNOWN_PRODUCT';
  constructor(productIds: readonly string[]) {
    super(`Unknown products: ${productIds.join(', ')}`, { productIds: [...productIds] });
  }
}

/** A line's quantity or price is not acceptable (quantity < 1, price in another currency, total overflow). */
export class InvalidOrderError extends DomainError {
  readonly code = 'ORDER.INVALID';
  constructor(detail: string) {
    super(detail);
  }
}

/**
 * The order can no longer be cancelled: it is confirmed or cancelled, or its payment is captured
 * and it is being confirmed (the saga's point of no return).
 */
export class OrderNotCancellableError extends DomainError {
  readonly code = 'ORDER.NOT_CANCELLABLE';
  constructor(orderId: string, status: string) {
    super(`Order ${orderId} is ${status} and can no longer be cancelled`, { orderId, status });
  }
}

/** A fulfilment step asked of an order in the wrong state (ship before confirmed, deliver before shipped, ship twice differently). */
export class OrderFulfilmentConflictError extends DomainError {
  readonly code = 'ORDER.FULFILMENT_CONFLICT';
  constructor(orderId: string, step: 'ship' | 'deliver', status: string, detail?: string) {
    super(detail ?? `Order ${orderId} cannot ${step}: it is ${status}`, { orderId, status });
  }
}

/** A return asked of an order that is not delivered, or after its return window closed. */
export class OrderNotReturnableError extends DomainError {
  readonly code = 'ORDER.NOT_RETURNABLE';
  constructor(orderId: string, detail: string) {
    super(`Order ${orderId} cannot be returned: ${detail}`, { orderId });
  }
}
