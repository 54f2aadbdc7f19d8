import type { Money } from '../money.js';

/**
 * State of a Product stream: nothing before `ProductCreated`.
 * Availability rule: `available = stock − reserved`, never negative (see {@link availableUnits}).
 */
export type ProductState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'active';
      readonly id: string;
      readonly sku: string;
      readonly name: string;
      readonly price: Money;
      /** Units on hand (committed units have left it). */
      readonly stock: number;
      /** Units held for orders, reserved and neither released nor committed (Σ of `reservations`). */
      readonly reserved: number;
      /** Units held per order id. */
      readonly reservations: Readonly<Record<string, number>>;
      /** Available units at or below which the product is low on stock (≥ 0). */
      readonly lowStockThreshold: number;
      /** Whether the last crossing recorded was LowStockDetected (not yet StockReplenished). */
      readonly lowStock: boolean;
      readonly createdAt: string;
      readonly updatedAt: string;
    };

export const initialProductState = (): ProductState => ({ status: 'absent' });

/** Units that can be sold now: stock minus the units held for orders. */
export const availableUnits = (state: Extract<ProductState, { status: 'active' }>): number =>
  state.stock - state.reserved;
