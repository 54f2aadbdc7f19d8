import type { Money } from '../money.js';

/** A product was added to the catalog with its initial stock (units ≥ 0). */
export interface ProductCreated {
  readonly type: 'ProductCreated';
  readonly data: {
    readonly productId: string;
    readonly sku: string;
    readonly name: string;
    readonly price: Money;
    readonly initialStock: number;
    /** ISO 8601 timestamp. */
    readonly at: string;
  };
}

/** Stock changed by `delta` units (≠ 0) for `reason`; `stock` is the resulting level. */
export interface StockAdjusted {
  readonly type: 'StockAdjusted';
  readonly data: {
    readonly productId: string;
    readonly delta: number;
    readonly reason: string;
    readonly stock: number;
    readonly at: string;
  };
}

/** Every domain event of the Product aggregate. */
export type ProductEvent = ProductCreated | StockAdjusted;
