import type { Money } from '../money.js';

/** State of a Product stream: nothing before `ProductCreated`. */
export type ProductState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'active';
      readonly id: string;
      readonly sku: string;
      readonly name: string;
      readonly price: Money;
      /** Units on hand. */
      readonly stock: number;
      readonly createdAt: string;
      readonly updatedAt: string;
    };

export const initialProductState = (): ProductState => ({ status: 'absent' });
