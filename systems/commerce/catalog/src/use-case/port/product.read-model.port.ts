import type { Money } from '../../entity/money.js';

/** A product as clients read it. `available` = units that can be sold: stock − units reserved for orders. */
export interface ProductView {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly price: Money;
  readonly available: number;
  /** Low on stock when `available ≤ lowStockThreshold` (units). */
  readonly lowStockThreshold: number;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One page of a keyset-paginated list; `nextCursor` is opaque, `null` on the last page. */
export interface ProductPage {
  readonly items: readonly ProductView[];
  readonly nextCursor: string | null;
}

/** Thrown for a cursor this service did not hand out. */
export class InvalidCursorError extends Error {
  readonly code = 'PAGINATION.INVALID_CURSOR';
  constructor() {
    super('cursor is not valid');
  }
}

/** Narrows a product list; `lowStock`: only products with `available ≤ lowStockThreshold`. */
export interface ProductListFilter {
  readonly lowStock?: boolean;
}

/** The product list projection (eventually consistent with the event store). */
export interface ProductReadModelPort {
  /** @throws InvalidCursorError */
  list(limit: number, cursor?: string, filter?: ProductListFilter): Promise<ProductPage>;
  getMany(ids: readonly string[]): Promise<ProductView[]>;
  /** Asks the projection to catch up now (after a write), without waiting. */
  refresh(): void;
}

export const PRODUCT_READ_MODEL = Symbol('ProductReadModelPort');
