import type { Decider } from '@archipelago/util-decider';
import { assertMoney, type Money } from '../money.js';
import {
  InsufficientStockError,
  InvalidProductCommandError,
  ProductAlreadyExistsError,
  ProductNotFoundError,
} from './product.errors.js';
import type { ProductEvent } from './product.events.js';
import { initialProductState, type ProductState } from './product.state.js';

/** Commands of the Product aggregate. `now` (ISO 8601) and `currency` come from outside: decide stays pure. */
export type ProductCommand =
  | {
      readonly type: 'CreateProduct';
      readonly data: {
        readonly productId: string;
        readonly sku: string;
        readonly name: string;
        readonly price: Money;
        readonly initialStock: number;
        readonly currency: string;
        readonly now: string;
      };
    }
  | {
      readonly type: 'AdjustStock';
      readonly data: { readonly productId: string; readonly delta: number; readonly reason: string; readonly now: string };
    };

/**
 * Decides the events of a Product command.
 * @throws ProductAlreadyExistsError, ProductNotFoundError, InsufficientStockError,
 *   InvalidProductCommandError, CurrencyMismatchError, InvalidMoneyError
 */
export function decideProduct(command: ProductCommand, state: ProductState): ProductEvent[] {
  switch (command.type) {
    case 'CreateProduct': {
      const { productId, sku, name, price, initialStock, currency, now } = command.data;
      if (state.status !== 'absent') throw new ProductAlreadyExistsError(productId);
      if (!Number.isSafeInteger(initialStock) || initialStock < 0) {
        throw new InvalidProductCommandError('initialStock must be an integer ≥ 0');
      }
      return [
        {
          type: 'ProductCreated',
          data: { productId, sku, name, price: assertMoney(price, currency), initialStock, at: now },
        },
      ];
    }
    case 'AdjustStock': {
      const { productId, delta, reason, now } = command.data;
      if (state.status === 'absent') throw new ProductNotFoundError(productId);
      if (!Number.isSafeInteger(delta) || delta === 0) throw new InvalidProductCommandError('delta must be a non-zero integer');
      const stock = state.stock + delta;
      if (stock < 0) throw new InsufficientStockError(productId, state.stock, delta);
      return [{ type: 'StockAdjusted', data: { productId, delta, reason, stock, at: now } }];
    }
  }
}

/** Folds one Product event into the state. */
export function evolveProduct(state: ProductState, event: ProductEvent): ProductState {
  switch (event.type) {
    case 'ProductCreated': {
      const { productId, sku, name, price, initialStock, at } = event.data;
      return { status: 'active', id: productId, sku, name, price, stock: initialStock, createdAt: at, updatedAt: at };
    }
    case 'StockAdjusted':
      return state.status === 'active' ? { ...state, stock: event.data.stock, updatedAt: event.data.at } : state;
  }
}

/** The Product decider (Emmett-style `decide`/`evolve`/`initialState`). */
export const productDecider: Decider<ProductCommand, ProductEvent, ProductState> = {
  decide: decideProduct,
  evolve: evolveProduct,
  initialState: initialProductState,
};
