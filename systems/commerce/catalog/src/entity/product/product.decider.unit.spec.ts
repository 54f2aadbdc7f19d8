import { deciderSpec } from '@archipelago/testing-decider';
import { describe, expect, it } from 'vitest';
import { CurrencyMismatchError, InvalidMoneyError } from '../money.js';
import { productDecider, type ProductCommand } from './product.decider.js';
import {
  InsufficientStockError,
  InvalidProductCommandError,
  OutOfStockError,
  ProductAlreadyExistsError,
  ProductNotFoundError,
} from './product.errors.js';
import type { ProductCreated, ProductEvent } from './product.events.js';
import { availableUnits } from './product.state.js';

const spec = deciderSpec(productDecider);
const now = '2026-11-21T10:00:00.000Z';
const created: ProductCreated = {
  type: 'ProductCreated',
  data: { productId: 'p1', sku: 'SKU-1', name: 'Kettle', price: { amount: 2999, currency: 'USD' }, initialStock: 5, lowStockThreshold: 0, at: now },
};
const create = (over: Partial<Extract<ProductCommand, { type: 'CreateProduct' }>['data']> = {}): ProductCommand => ({
  type: 'CreateProduct',
  data: { productId: 'p1', sku: 'SKU-1', name: 'Kettle', price: { amount: 2999, currency: 'USD' }, initialStock: 5, lowStockThreshold: 0, currency: 'USD', now, ...over },
});
/** The crossing event `type` for product p1 (SKU-1) at `available` units against `threshold`. */
const crossing = (type: 'LowStockDetected' | 'StockReplenished', available: number, threshold = 0): ProductEvent =>
  ({ type, data: { productId: 'p1', sku: 'SKU-1', available, threshold, at: now } }) as ProductEvent;
const adjust = (delta: number): ProductCommand => ({ type: 'AdjustStock', data: { productId: 'p1', delta, reason: 'count', now } });

describe('Product decider', () => {
  it('creates a product with its initial stock', () => spec.given([]).when(create()).then([created]));
  it('refuses to create the same product twice', () => spec.given([created]).when(create()).thenThrows(ProductAlreadyExistsError));
  it('refuses a price in another currency than the deployment', () =>
    spec.given([]).when(create({ price: { amount: 100, currency: 'EUR' } })).thenThrows(CurrencyMismatchError));
  it('refuses a zero or negative price (security review: a zero-priced order could never be paid)', () => {
    spec.given([]).when(create({ price: { amount: 0, currency: 'USD' } })).thenThrows(InvalidMoneyError);
    spec.given([]).when(create({ price: { amount: -1, currency: 'USD' } })).thenThrows(InvalidMoneyError);
  });
  it('refuses a fractional price', () =>
    spec.given([]).when(create({ price: { amount: 10.5, currency: 'USD' } })).thenThrows(InvalidMoneyError));
  it('refuses negative initial stock', () => spec.given([]).when(create({ initialStock: -1 })).thenThrows(InvalidProductCommandError));
  it('adjusts stock and records the resulting level', () =>
    spec
      .given([created])
      .when(adjust(-5))
      .then([{ type: 'StockAdjusted', data: { productId: 'p1', delta: -5, reason: 'count', stock: 0, at: now } }, crossing('LowStockDetected', 0)]));
  it('refuses an adjustment that would go below zero', () =>
    spec.given([created]).when(adjust(-6)).thenThrows(InsufficientStockError));
  it('refuses a zero adjustment', () => spec.given([created]).when(adjust(0)).thenThrows(InvalidProductCommandError));
  it('refuses to adjust a product that does not exist', () => spec.given([]).when(adjust(1)).thenThrows(ProductNotFoundError));
  it('folds adjustments into the stock', () =>
    spec
      .given([created, { type: 'StockAdjusted', data: { productId: 'p1', delta: 10, reason: 'delivery', stock: 15, at: now } }])
      .when(adjust(-15))
      .then([{ type: 'StockAdjusted', data: { productId: 'p1', delta: -15, reason: 'count', stock: 0, at: now } }, crossing('LowStockDetected', 0)]));
});

describe('Product decider with reservations (available = stock − reserved)', () => {
  const units = (type: 'ReserveUnits' | 'ReleaseUnits' | 'CommitUnits', orderId: string, quantity: number): ProductCommand => ({
    type,
    data: { productId: 'p1', orderId, quantity, now },
  });
  const movement = (orderId: string, quantity: number, stock: number, reserved: number) => ({
    productId: 'p1',
    orderId,
    quantity,
    stock,
    reserved,
    at: now,
  });
  const reservedA: ProductEvent = { type: 'UnitsReserved', data: movement('A', 3, 5, 3) };

  it('holds units for an order, keeping them in stock', () =>
    spec.given([created]).when(units('ReserveUnits', 'A', 3)).then([reservedA]));
  it('refuses to hold more units than are available (reserved units are not available)', () =>
    spec.given([created, reservedA]).when(units('ReserveUnits', 'B', 3)).thenThrows(OutOfStockError));
  it('holds the last available units', () =>
    spec
      .given([created, reservedA])
      .when(units('ReserveUnits', 'B', 2))
      .then([{ type: 'UnitsReserved', data: movement('B', 2, 5, 5) }, crossing('LowStockDetected', 0)]));
  it('does not hold units twice for the same order', () =>
    spec.given([created, reservedA]).when(units('ReserveUnits', 'A', 3)).then([]));
  it('refuses to hold units of a product that does not exist', () =>
    spec.given([]).when(units('ReserveUnits', 'A', 1)).thenThrows(ProductNotFoundError));
  it('refuses a quantity below one', () =>
    spec.given([created]).when(units('ReserveUnits', 'A', 0)).thenThrows(InvalidProductCommandError));
  it("releases what the order holds, whatever quantity the command names", () =>
    spec
      .given([created, reservedA])
      .when(units('ReleaseUnits', 'A', 1))
      .then([{ type: 'UnitsReleased', data: movement('A', 3, 5, 0) }]));
  it('releases nothing for an order that holds nothing (repeat or never reserved)', () => {
    spec.given([created]).when(units('ReleaseUnits', 'A', 3)).then([]);
    spec
      .given([created, reservedA, { type: 'UnitsReleased', data: movement('A', 3, 5, 0) }])
      .when(units('ReleaseUnits', 'A', 3))
      .then([]);
  });
  it('commits the held units: they leave stock and the reserved count', () =>
    spec
      .given([created, reservedA])
      .when(units('CommitUnits', 'A', 3))
      .then([{ type: 'UnitsCommitted', data: movement('A', 3, 2, 0) }]));
  it('commits nothing twice', () =>
    spec
      .given([created, reservedA, { type: 'UnitsCommitted', data: movement('A', 3, 2, 0) }])
      .when(units('CommitUnits', 'A', 3))
      .then([]));
  it('refuses an adjustment that would leave fewer units than reserved', () =>
    spec.given([created, reservedA]).when(adjust(-3)).thenThrows(InsufficientStockError));
  it('allows an adjustment down to the reserved units (available 0)', () =>
    spec
      .given([created, reservedA])
      .when(adjust(-2))
      .then([{ type: 'StockAdjusted', data: { productId: 'p1', delta: -2, reason: 'count', stock: 3, at: now } }, crossing('LowStockDetected', 0)]));
  it('folds reservations into availability', () => {
    const state = [created, reservedA, { type: 'UnitsReserved', data: movement('B', 1, 5, 4) } as ProductEvent].reduce(
      productDecider.evolve,
      productDecider.initialState(),
    );
    if (state.status !== 'active') throw new Error('expected an active product');
    expect([state.stock, state.reserved, availableUnits(state), state.reservations]).toEqual([5, 4, 1, { A: 3, B: 1 }]);
  });
});

describe('Product decider: low-stock alerts (once per crossing of lowStockThreshold)', () => {
  const withThreshold = (threshold: number, initialStock = 5): ProductEvent => ({ ...created, data: { ...created.data, initialStock, lowStockThreshold: threshold } });
  const reserve = (orderId: string, quantity: number): ProductCommand => ({ type: 'ReserveUnits', data: { productId: 'p1', orderId, quantity, now } });
  const release = (orderId: string): ProductCommand => ({ type: 'ReleaseUnits', data: { productId: 'p1', orderId, quantity: 1, now } });
  const setThreshold = (threshold: number): ProductCommand => ({ type: 'SetLowStockThreshold', data: { productId: 'p1', threshold, now } });
  const apply = (events: ProductEvent[], command: ProductCommand) => [...events, ...productDecider.decide(command, events.reduce(productDecider.evolve, productDecider.initialState()))];

  it('alerts when a reservation takes available units to the threshold, and not again while low', () => {
    let history = apply([withThreshold(2)], reserve('A', 3));
    expect(history.slice(1).map((e) => e.type)).toEqual(['UnitsReserved', 'LowStockDetected']);
    expect(history.at(-1)).toEqual(crossing('LowStockDetected', 2, 2));
    history = apply(history, reserve('B', 1));
    expect(history.slice(3).map((e) => e.type)).toEqual(['UnitsReserved']);
  });
  it('tells when stock is replenished above the threshold, then alerts again on the next crossing', () => {
    let history = apply([withThreshold(2)], reserve('A', 4));
    history = apply(history, release('A'));
    expect(history.slice(3)).toEqual([expect.objectContaining({ type: 'UnitsReleased' }), crossing('StockReplenished', 5, 2)]);
    history = apply(history, adjust(-3));
    expect(history.slice(5)).toEqual([expect.objectContaining({ type: 'StockAdjusted' }), crossing('LowStockDetected', 2, 2)]);
  });
  it('does not alert above the threshold', () => spec.given([withThreshold(2)]).when(reserve('A', 2)).then([{ type: 'UnitsReserved', data: { productId: 'p1', orderId: 'A', quantity: 2, stock: 5, reserved: 2, at: now } }]));
  it('alerts at creation when the initial stock is already at or below the threshold', () =>
    spec.given([]).when(create({ initialStock: 3, lowStockThreshold: 3 })).then([withThreshold(3, 3), crossing('LowStockDetected', 3, 3)]));
  it('changes the threshold (an admin PATCH), alerting or replenishing at once when that crosses it', () => {
    spec.given([withThreshold(2)]).when(setThreshold(5)).then([
      { type: 'LowStockThresholdChanged', data: { productId: 'p1', threshold: 5, at: now } },
      crossing('LowStockDetected', 5, 5),
    ]);
    spec.given([withThreshold(5), crossing('LowStockDetected', 5, 5)]).when(setThreshold(1)).then([
      { type: 'LowStockThresholdChanged', data: { productId: 'p1', threshold: 1, at: now } },
      crossing('StockReplenished', 5, 1),
    ]);
    spec.given([withThreshold(2)]).when(setThreshold(2)).then([]);
    spec.given([withThreshold(2)]).when(setThreshold(-1)).thenThrows(InvalidProductCommandError);
    spec.given([]).when(setThreshold(1)).thenThrows(ProductNotFoundError);
  });
  it('reads a product recorded before thresholds existed with threshold 0', () => {
    const { lowStockThreshold: _none, ...legacy } = created.data;
    const state = productDecider.evolve(productDecider.initialState(), { type: 'ProductCreated', data: legacy });
    expect(state).toMatchObject({ lowStockThreshold: 0, lowStock: false });
  });
});

describe('Product decider: returned units', () => {
  const returnUnits = (quantity: number): ProductCommand => ({ type: 'ReturnUnits', data: { productId: 'p1', orderId: 'A', quantity, now } });
  it('puts sold units back into stock (and clears a low-stock alert when that lifts available above the threshold)', () => {
    const sold: ProductEvent[] = [
      { ...created, data: { ...created.data, lowStockThreshold: 2 } },
      { type: 'UnitsReserved', data: { productId: 'p1', orderId: 'A', quantity: 4, stock: 5, reserved: 4, at: now } },
      crossing('LowStockDetected', 1, 2),
      { type: 'UnitsCommitted', data: { productId: 'p1', orderId: 'A', quantity: 4, stock: 1, reserved: 0, at: now } },
    ];
    spec.given(sold).when(returnUnits(4)).then([
      { type: 'UnitsReturned', data: { productId: 'p1', orderId: 'A', quantity: 4, stock: 5, reserved: 0, at: now } },
      crossing('StockReplenished', 5, 2),
    ]);
  });
  it('refuses a product that does not exist', () => spec.given([]).when(returnUnits(1)).thenThrows(ProductNotFoundError));
});
