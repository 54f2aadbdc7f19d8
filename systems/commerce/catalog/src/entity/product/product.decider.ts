import type { Decider } from '@archipelago/util-decider';
import { assertPrice, type Money } from '../money.js';
import {
  InsufficientStockError,
  InvalidProductCommandError,
  OutOfStockError,
  ProductAlreadyExistsError,
  ProductNotFoundError,
} from './product.errors.js';
import type { ProductEvent } from './product.events.js';
import { availableUnits, initialProductState, type ProductState } from './product.state.js';

/** Data of the commands that move an order's units on one product. */
interface UnitsCommandData {
  readonly productId: string;
  readonly orderId: string;
  /** Units (≥ 1); release and commit move what the order holds, whatever is given here. */
  readonly quantity: number;
  readonly now: string;
}

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
        /** Units (≥ 0); the use case puts the configured default when the client gave none. */
        readonly lowStockThreshold: number;
        readonly currency: string;
        readonly now: string;
      };
    }
  | {
      readonly type: 'SetLowStockThreshold';
      readonly data: { readonly productId: string; readonly threshold: number; readonly now: string };
    }
  | {
      readonly type: 'AdjustStock';
      readonly data: {
        readonly productId: string;
        readonly delta: number;
        readonly reason: string;
        readonly now: string;
      };
    }
  | UnitsCommand;

/** The Product commands that hold, give back or sell an order's units. */
export type UnitsCommand = {
  readonly type: 'ReserveUnits' | 'ReleaseUnits' | 'CommitUnits' | 'ReturnUnits';
  readonly data: UnitsCommandData;
};

/**
 * Decides the events of a Product command, followed by a crossing of the low-stock threshold when
 * they cause one: `LowStockDetected` when available units fall to or below the threshold (by a
 * reservation, an adjustment, a lower threshold, or at creation) and the product was not already
 * low; `StockReplenished` when they rise above it again. So one alert per crossing.
 * - AdjustStock: `stock + delta ≥ reserved` (available never negative).
 * - ReserveUnits: holds `quantity ≤ available` units for the order; nothing when it already holds some.
 * - ReleaseUnits / CommitUnits: give back / sell what the order holds; nothing when it holds none
 *   (so a repeated command changes nothing).
 * @throws ProductAlreadyExistsError, ProductNotFoundError, InsufficientStockError, OutOfStockError,
 *   InvalidProductCommandError, CurrencyMismatchError, InvalidMoneyError
 */
export function decideProduct(command: ProductCommand, state: ProductState): ProductEvent[] {
  const events = decideChange(command, state);
  if (events.length === 0) return events;
  const after = events.reduce(evolveProduct, state);
  if (after.status !== 'active') return events;
  const available = availableUnits(after);
  const low = available <= after.lowStockThreshold;
  if (low === after.lowStock) return events;
  const crossing = { productId: after.id, sku: after.sku, available, threshold: after.lowStockThreshold, at: command.data.now };
  return [...events, low ? { type: 'LowStockDetected', data: crossing } : { type: 'StockReplenished', data: crossing }];
}

function decideChange(command: ProductCommand, state: ProductState): ProductEvent[] {
  switch (command.type) {
    case 'CreateProduct': {
      const { productId, sku, name, price, initialStock, lowStockThreshold, currency, now } = command.data;
      if (state.status !== 'absent') throw new ProductAlreadyExistsError(productId);
      if (!Number.isSafeInteger(initialStock) || initialStock < 0) {
        throw new InvalidProductCommandError('initialStock must be an integer ≥ 0');
      }
      assertThreshold(lowStockThreshold);
      return [
        {
          type: 'ProductCreated',
          data: { productId, sku, name, price: assertPrice(price, currency), initialStock, lowStockThreshold, at: now },
        },
      ];
    }
    case 'SetLowStockThreshold': {
      const { productId, threshold, now } = command.data;
      if (state.status === 'absent') throw new ProductNotFoundError(productId);
      assertThreshold(threshold);
      if (threshold === state.lowStockThreshold) return [];
      return [{ type: 'LowStockThresholdChanged', data: { productId, threshold, at: now } }];
    }
    case 'AdjustStock': {
      const { productId, delta, reason, now } = command.data;
      if (state.status === 'absent') throw new ProductNotFoundError(productId);
      if (!Number.isSafeInteger(delta) || delta === 0)
        throw new InvalidProductCommandError('delta must be a non-zero integer');
      const stock = state.stock + delta;
      if (stock < state.reserved) throw new InsufficientStockError(productId, state.stock, delta, state.reserved);
      return [{ type: 'StockAdjusted', data: { productId, delta, reason, stock, at: now } }];
    }
    case 'ReserveUnits': {
      const { productId, orderId, quantity, now } = command.data;
      if (state.status === 'absent') throw new ProductNotFoundError(productId);
      if (!Number.isSafeInteger(quantity) || quantity < 1)
        throw new InvalidProductCommandError('quantity must be an integer ≥ 1');
      if (state.reservations[orderId] !== undefined) return [];
      if (quantity > availableUnits(state)) throw new OutOfStockError(productId, availableUnits(state), quantity);
      const data = { productId, orderId, quantity, stock: state.stock, reserved: state.reserved + quantity, at: now };
      return [{ type: 'UnitsReserved', data }];
    }
    case 'ReturnUnits': {
      // Sold units of a delivered order come back into stock. Once per order: the order's
      // Reservation (committed → returned) decides it, in the same transaction.
      const { productId, orderId, quantity, now } = command.data;
      if (state.status === 'absent') throw new ProductNotFoundError(productId);
      if (!Number.isSafeInteger(quantity) || quantity < 1) throw new InvalidProductCommandError('quantity must be an integer ≥ 1');
      return [{ type: 'UnitsReturned', data: { productId, orderId, quantity, stock: state.stock + quantity, reserved: state.reserved, at: now } }];
    }
    case 'ReleaseUnits':
    case 'CommitUnits': {
      const { productId, orderId, now } = command.data;
      if (state.status === 'absent') throw new ProductNotFoundError(productId);
      const held = state.reservations[orderId];
      if (held === undefined) return [];
      const reserved = state.reserved - held;
      if (command.type === 'ReleaseUnits') {
        return [
          {
            type: 'UnitsReleased',
            data: { productId, orderId, quantity: held, stock: state.stock, reserved, at: now },
          },
        ];
      }
      return [
        {
          type: 'UnitsCommitted',
          data: { productId, orderId, quantity: held, stock: state.stock - held, reserved, at: now },
        },
      ];
    }
  }
}

function assertThreshold(threshold: number): void {
  if (!Number.isSafeInteger(threshold) || threshold < 0) throw new InvalidProductCommandError('lowStockThreshold must be an integer ≥ 0');
}

/** Folds one Product event into the state. */
export function evolveProduct(state: ProductState, event: ProductEvent): ProductState {
  if (event.type === 'ProductCreated') {
    const { productId, sku, name, price, initialStock, lowStockThreshold = 0, at } = event.data;
    return {
      status: 'active',
      id: productId,
      sku,
      name,
      price,
      stock: initialStock,
      reserved: 0,
      reservations: {},
      lowStockThreshold,
      lowStock: false,
      createdAt: at,
      updatedAt: at,
    };
  }
  if (state.status !== 'active') return state;
  switch (event.type) {
    case 'StockAdjusted':
      return { ...state, stock: event.data.stock, updatedAt: event.data.at };
    case 'UnitsReserved': {
      const { orderId, quantity, stock, reserved, at } = event.data;
      return { ...state, stock, reserved, reservations: { ...state.reservations, [orderId]: quantity }, updatedAt: at };
    }
    case 'UnitsReturned':
      return { ...state, stock: event.data.stock, updatedAt: event.data.at };
    case 'UnitsReleased':
    case 'UnitsCommitted': {
      const { orderId, stock, reserved, at } = event.data;
      const { [orderId]: _gone, ...reservations } = state.reservations;
      return { ...state, stock, reserved, reservations, updatedAt: at };
    }
    case 'LowStockThresholdChanged':
      return { ...state, lowStockThreshold: event.data.threshold, updatedAt: event.data.at };
    case 'LowStockDetected':
      return { ...state, lowStock: true };
    case 'StockReplenished':
      return { ...state, lowStock: false };
  }
}

/** The Product decider (Emmett-style `decide`/`evolve`/`initialState`). */
export const productDecider: Decider<ProductCommand, ProductEvent, ProductState> = {
  decide: decideProduct,
  evolve: evolveProduct,
  initialState: initialProductState,
};
