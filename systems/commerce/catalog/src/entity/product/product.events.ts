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
    /** Low-stock threshold (units ≥ 0); absent in events recorded before thresholds existed (read as 0). */
    readonly lowStockThreshold?: number;
    /** ISO 8601 timestamp. */
    readonly at: string;
  };
}

/** The low-stock threshold was set to `threshold` units (≥ 0). */
export interface LowStockThresholdChanged {
  readonly type: 'LowStockThresholdChanged';
  readonly data: { readonly productId: string; readonly threshold: number; readonly at: string };
}

/** A crossing of the low-stock threshold: `available` units against `threshold` after the event before it. */
interface StockLevelCrossing {
  readonly productId: string;
  readonly sku: string;
  readonly available: number;
  readonly threshold: number;
  readonly at: string;
}

/** Available units fell to or below the threshold (once per crossing: not again until replenished). */
export interface LowStockDetected {
  readonly type: 'LowStockDetected';
  readonly data: StockLevelCrossing;
}

/** Available units rose above the threshold again after a LowStockDetected. */
export interface StockReplenished {
  readonly type: 'StockReplenished';
  readonly data: StockLevelCrossing;
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

/**
 * Units moved for an order (`quantity` ≥ 1). `stock` and `reserved` are the product's resulting
 * levels, so readers (the list projection) set them instead of re-adding deltas.
 */
interface UnitsMovement {
  readonly productId: string;
  readonly orderId: string;
  readonly quantity: number;
  /** Units on hand after the event. */
  readonly stock: number;
  /** Units held for orders after the event. */
  readonly reserved: number;
  readonly at: string;
}

/** `quantity` units are held for order `orderId`: no longer available, still in stock. */
export interface UnitsReserved {
  readonly type: 'UnitsReserved';
  readonly data: UnitsMovement;
}

/** The units held for order `orderId` are available again. */
export interface UnitsReleased {
  readonly type: 'UnitsReleased';
  readonly data: UnitsMovement;
}

/** The units held for order `orderId` are sold: they leave stock and the reserved count. */
export interface UnitsCommitted {
  readonly type: 'UnitsCommitted';
  readonly data: UnitsMovement;
}

/** Sold units of order `orderId` came back (a return): they are in stock again. */
export interface UnitsReturned {
  readonly type: 'UnitsReturned';
  readonly data: UnitsMovement;
}

/** Every domain event of the Product aggregate. */
export type ProductEvent =
  | ProductCreated
  | StockAdjusted
  | UnitsReserved
  | UnitsReleased
  | UnitsCommitted
  | UnitsReturned
  | LowStockThresholdChanged
  | LowStockDetected
  | StockReplenished;
