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

/** The adjustment would take stock below zero. */
export class InsufficientStockError extends DomainError {
  readonly code = 'PRODUCT.INSUFFICIENT_STOCK';
  constructor(productId: string, stock: number, delta: number) {
    super(`Stock of ${productId} is ${stock}; an adjustment of ${delta} would go below zero`, { productId, stock, delta });
  }
}

/** A rule on the command's values (initial stock < 0, delta = 0 …). */
export class InvalidProductCommandError extends DomainError {
  readonly code = 'PRODUCT.INVALID';
  constructor(detail: string) {
    super(detail);
  }
}
