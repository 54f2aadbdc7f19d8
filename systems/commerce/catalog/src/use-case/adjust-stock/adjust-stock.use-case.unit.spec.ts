import { describe, expect, it } from 'vitest';
import { productDecider } from '../../entity/product/product.decider.js';
import { InsufficientStockError } from '../../entity/product/product.errors.js';
import type { ProductEvent } from '../../entity/product/product.events.js';
import type { ProductReadModelPort } from '../port/product.read-model.port.js';
import { ConcurrencyConflictError, type ProductRepositoryPort } from '../port/product.repository.port.js';
import { AdjustStockCommand } from './adjust-stock.command.js';
import { AdjustStockUseCase } from './adjust-stock.use-case.js';

/** In-memory event streams with optimistic concurrency, like the real store. */
class InMemoryProducts implements ProductRepositoryPort {
  readonly streams = new Map<string, ProductEvent[]>();
  /** Appends made by "another writer" right before the next save, to provoke a conflict. */
  interleave: ProductEvent[][] = [];

  async load(id: string) {
    const events = this.streams.get(id) ?? [];
    return { state: events.reduce(productDecider.evolve, productDecider.initialState()), version: events.length };
  }
  async save(id: string, events: readonly ProductEvent[], expected: number) {
    const next = this.interleave.shift();
    if (next) this.streams.set(id, [...(this.streams.get(id) ?? []), ...next]);
    const current = this.streams.get(id) ?? [];
    if (current.length !== expected) throw new ConcurrencyConflictError(id);
    this.streams.set(id, [...current, ...events]);
  }
}
const readModel: ProductReadModelPort = { list: async () => ({ items: [], nextCursor: null }), getMany: async () => [], refresh: () => {} };
const at = '2026-11-21T00:00:00.000Z';
const created: ProductEvent = {
  type: 'ProductCreated',
  data: { productId: 'p', sku: 'S', name: 'N', price: { amount: 1, currency: 'USD' }, initialStock: 3, at },
};

describe('AdjustStockUseCase', () => {
  it('decides again on fresh state when another writer got there first', async () => {
    const repo = new InMemoryProducts();
    repo.streams.set('p', [created]);
    repo.interleave = [[{ type: 'StockAdjusted', data: { productId: 'p', delta: -2, reason: 'other', stock: 1, at } }]];
    const result = await new AdjustStockUseCase(repo, readModel).execute(new AdjustStockCommand('p', -1, 'mine', {}));
    expect(result.state).toMatchObject({ status: 'active', stock: 0 });
    // Available 0 reaches the threshold of a product recorded without one (0): one low-stock alert.
    expect(repo.streams.get('p')!.map((e) => e.type)).toEqual(['ProductCreated', 'StockAdjusted', 'StockAdjusted', 'LowStockDetected']);
  });

  it('reports the rule broken on the fresh state instead of overselling', async () => {
    const repo = new InMemoryProducts();
    repo.streams.set('p', [created]);
    repo.interleave = [[{ type: 'StockAdjusted', data: { productId: 'p', delta: -3, reason: 'other', stock: 0, at } }]];
    await expect(new AdjustStockUseCase(repo, readModel).execute(new AdjustStockCommand('p', -1, 'mine', {}))).rejects.toBeInstanceOf(
      InsufficientStockError,
    );
    expect(repo.streams.get('p')).toHaveLength(2);
  });
});
