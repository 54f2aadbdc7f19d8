import { DomainError } from '@archipelago/util-decider';

/** No product with this id. */
export class ProductNotFoundError extends DomainError {
  readonly code = 'PRODUCT.NOT_FOUND';
  constructor(productId: string) {
    super(`Product ${productId} does not exist`, { productId });
  }
}

/** The product already exists (same id). */
export class ProductAlreadyExistsError extends DomainError {
  readonly code = 'PRODUCT.ALREADY_EXISTS';
  constructor(productId: string) {
    super(`Product ${productId} already exists`, { productId });
  }
}

/** Another product has this SKU. */
export class DuplicateSkuError extends DomainError {
  readonly code = 'PRODUCT.DUPLICATE_SKU';
  constructor(sku: string) {
    super(`A product with SKU ${sku} already exists`, { sku });
  }
}

/**
 * The adjustment would take stock below the units held for orders (below zero when none are
 * held): `available = stock − reserved` must never go negative.
 */
export class InsufficientStockError extends DomainError {
  readonly code = 'PRODUCT.INSUFFICIENT_STOCK';
  constructor(productId: string, stock: number, delta: number, reserved = 0) {
    super(
      reserved > 0
        ? `Stock of ${productId} is ${stock} with ${reserved} reserved; an adjustment of ${delta} would leave fewer units than reserved`
        : `Stock of ${productId} is ${stock}; an adjustment of ${delta} would go below zero`,
      { productId, stock, delta, reserved },
    );
  }
}

/** Fewer units are available (stock − reserved) than an order asks to reserve. */
export class OutOfStockError extends DomainError {
  readonly code = 'PRODUCT.OUT_OF_STOCK';
  constructor(productId: string, available: number, quantity: number) {
    super(`Product ${productId} has ${available} units available; ${quantity} were asked for`, {
      productId,
      available,
      quantity,
    });
  }
}

/** A rule on the command's values (initial stock < 0, delta = 0 …). */
export class InvalidProductCommandError extends DomainError {
  readonly code = 'PRODUCT.INVALID';
  constructor(detail: string) {
    super(detail);
  }
}
