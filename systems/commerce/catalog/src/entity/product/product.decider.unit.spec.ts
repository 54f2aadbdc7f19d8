import { deciderSpec } from '@archipelago/testing-decider';
import { describe, it } from 'vitest';
import { CurrencyMismatchError, InvalidMoneyError } from '../money.js';
import { productDecider, type ProductCommand } from './product.decider.js';
import {
  InsufficientStockError,
  InvalidProductCommandError,
  ProductAlreadyExistsError,
  ProductNotFoundError,
} from './product.errors.js';
import type { ProductCreated } from './product.events.js';

const spec = deciderSpec(productDecider);
const now = '2026-11-21T10:00:00.000Z';
const created: ProductCreated = {
  type: 'ProductCreated',
  data: { productId: 'p1', sku: 'SKU-1', name: 'Kettle', price: { amount: 2999, currency: 'USD' }, initialStock: 5, at: now },
};
const create = (over: Partial<Extract<ProductCommand, { type: 'CreateProduct' }>['data']> = {}): ProductCommand => ({
  type: 'CreateProduct',
  data: { productId: 'p1', sku: 'SKU-1', name: 'Kettle', price: { amount: 2999, currency: 'USD' }, initialStock: 5, currency: 'USD', now, ...over },
});
const adjust = (delta: number): ProductCommand => ({ type: 'AdjustStock', data: { productId: 'p1', delta, reason: 'count', now } });

describe('Product decider', () => {
  it('creates a product with its initial stock', () => spec.given([]).when(create()).then([created]));
  it('refuses to create the same product twice', () => spec.given([created]).when(create()).thenThrows(ProductAlreadyExistsError));
  it('refuses a price in another currency than the deployment', () =>
    spec.given([]).when(create({ price: { amount: 100, currency: 'EUR' } })).thenThrows(CurrencyMismatchError));
  it('refuses a fractional price', () =>
    spec.given([]).when(create({ price: { amount: 10.5, currency: 'USD' } })).thenThrows(InvalidMoneyError));
  it('refuses negative initial stock', () => spec.given([]).when(create({ initialStock: -1 })).thenThrows(InvalidProductCommandError));
  it('adjusts stock and records the resulting level', () =>
    spec
      .given([created])
      .when(adjust(-5))
      .then([{ type: 'StockAdjusted', data: { productId: 'p1', delta: -5, reason: 'count', stock: 0, at: now } }]));
  it('refuses an adjustment that would go below zero', () =>
    spec.given([created]).when(adjust(-6)).thenThrows(InsufficientStockError));
  it('refuses a zero adjustment', () => spec.given([created]).when(adjust(0)).thenThrows(InvalidProductCommandError));
  it('refuses to adjust a product that does not exist', () => spec.given([]).when(adjust(1)).thenThrows(ProductNotFoundError));
  it('folds adjustments into the stock', () =>
    spec
      .given([created, { type: 'StockAdjusted', data: { productId: 'p1', delta: 10, reason: 'delivery', stock: 15, at: now } }])
      .when(adjust(-15))
      .then([{ type: 'StockAdjusted', data: { productId: 'p1', delta: -15, reason: 'count', stock: 0, at: now } }]));
});
