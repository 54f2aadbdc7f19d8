import { describe, expect, it } from 'vitest';
import { productDecider } from '../../entity/product/product.decider.js';
import type { ProductEvent } from '../../entity/product/product.events.js';
import { reservationDecider } from '../../entity/reservation/reservation.decider.js';
import type { ReservationEvent } from '../../entity/reservation/reservation.events.js';
import type { ProductReadModelPort } from '../port/product.read-model.port.js';
import { ConcurrencyConflictError, type ProductRepositoryPort } from '../port/product.repository.port.js';
import type { ReservationChange, ReservationRepositoryPort } from '../port/reservation.repository.port.js';
import { ReleaseStockCommand } from '../release-stock/release-stock.command.js';
import { ReleaseStockUseCase } from '../release-stock/release-stock.use-case.js';
import { ReserveStockCommand } from './reserve-stock.command.js';
import { ReserveStockUseCase } from './reserve-stock.use-case.js';

/** Product and reservation streams with optimistic concurrency and an inbox, committed atomically like the real store. */
class InMemoryCatalog implements ProductRepositoryPort {
  readonly products = new Map<string, ProductEvent[]>();
  readonly reservations = new Map<string, ReservationEvent[]>();
  readonly inbox = new Set<string>();
  readonly replies: ReservationChange['reply'][] = [];
  /** Product events "another writer" appends right before the next commit, to provoke a conflict. */
  interleave: Array<[string, ProductEvent]> = [];

  async load(id: string) {
    const events = this.products.get(id) ?? [];
    return { state: events.reduce(productDecider.evolve, productDecider.initialState()), version: events.length };
  }
  async save() {
    throw new Error('not used');
  }
  readonly reservationsPort: ReservationRepositoryPort = {
    load: async (orderId) => {
      const events = this.reservations.get(orderId) ?? [];
      return {
        state: events.reduce(reservationDecider.evolve, reservationDecider.initialState()),
        version: events.length,
      };
    },
    commit: async (change, delivery) => this.commit(change, delivery),
  };
  async commit(change: ReservationChange, delivery: { messageId: string }): Promise<boolean> {
    const next = this.interleave.shift();
    if (next) this.products.set(next[0], [...(this.products.get(next[0]) ?? []), next[1]]);
    if (this.inbox.has(delivery.messageId)) return false;
    for (const p of change.products) {
      if ((this.products.get(p.productId) ?? []).length !== p.expectedVersion)
        throw new ConcurrencyConflictError(p.productId);
    }
    if ((this.reservations.get(change.orderId) ?? []).length !== change.expectedVersion) {
      throw new ConcurrencyConflictError(change.orderId);
    }
    for (const p of change.products) this.products.set(p.productId, [...this.products.get(p.productId)!, ...p.events]);
    this.reservations.set(change.orderId, [...(this.reservations.get(change.orderId) ?? []), ...change.events]);
    this.inbox.add(delivery.messageId);
    this.replies.push(change.reply);
    return true;
  }
}

const readModel: ProductReadModelPort = {
  list: async () => ({ items: [], nextCursor: null }),
  getMany: async () => [],
  refresh: () => {},
};
const at = '2026-11-21T00:00:00.000Z';
const created = (productId: string, initialStock: number): ProductEvent => ({
  type: 'ProductCreated',
  data: { productId, sku: productId, name: productId, price: { amount: 1, currency: 'USD' }, initialStock, at },
});
const delivery = (messageId: string) => ({ messageId, topic: 'commerce.ordering.stock-commands.v1' });

function setUp() {
  const catalog = new InMemoryCatalog();
  catalog.products.set('a', [created('a', 3)]);
  catalog.products.set('b', [created('b', 1)]);
  const reserve = new ReserveStockUseCase(catalog.reservationsPort, catalog, readModel);
  const release = new ReleaseStockUseCase(catalog.reservationsPort, catalog, readModel);
  const available = async (id: string) => {
    const { state } = await catalog.load(id);
    return state.status === 'active' ? state.stock - state.reserved : NaN;
  };
  return { catalog, reserve, release, available };
}

describe('ReserveStockUseCase', () => {
  it('holds every line on its product stream and answers Reserved', async () => {
    const { catalog, reserve, available } = setUp();
    const lines = [
      { productId: 'a', quantity: 2 },
      { productId: 'b', quantity: 1 },
    ];
    const outcome = await reserve.execute(new ReserveStockCommand('o1', lines, delivery('m1'), {}));
    expect(outcome).toEqual({ applied: true, reply: { type: 'Reserved', orderId: 'o1', lines } });
    expect([await available('a'), await available('b')]).toEqual([1, 0]);
    expect(catalog.reservations.get('o1')!.map((e) => e.type)).toEqual(['ReservationMade']);
  });

  it('reserves nothing when one line is short', async () => {
    const { reserve, available } = setUp();
    const outcome = await reserve.execute(
      new ReserveStockCommand(
        'o1',
        [
          { productId: 'a', quantity: 1 },
          { productId: 'b', quantity: 2 },
        ],
        delivery('m1'),
        {},
      ),
    );
    expect(outcome.reply).toEqual({ type: 'Rejected', orderId: 'o1', reason: 'out_of_stock', productIds: ['b'] });
    expect([await available('a'), await available('b')]).toEqual([3, 1]);
  });

  it('decides again on fresh state when another order took the units first, never overselling', async () => {
    const { catalog, reserve, available } = setUp();
    catalog.interleave = [
      [
        'b',
        { type: 'UnitsReserved', data: { productId: 'b', orderId: 'other', quantity: 1, stock: 1, reserved: 1, at } },
      ],
    ];
    const outcome = await reserve.execute(
      new ReserveStockCommand('o1', [{ productId: 'b', quantity: 1 }], delivery('m1'), {}),
    );
    expect(outcome.reply).toMatchObject({ type: 'Rejected', reason: 'out_of_stock' });
    expect(await available('b')).toBe(0);
    expect(catalog.products.get('b')!.filter((e) => e.type === 'UnitsReserved')).toHaveLength(1);
  });

  it('skips a message it has processed, and answers a repeated command (new message) with the same reply', async () => {
    const { catalog, reserve, available } = setUp();
    const command = (id: string) => new ReserveStockCommand('o1', [{ productId: 'a', quantity: 2 }], delivery(id), {});
    await reserve.execute(command('m1'));
    expect((await reserve.execute(command('m1'))).applied).toBe(false);
    expect((await reserve.execute(command('m2'))).reply).toMatchObject({ type: 'Reserved' });
    expect(await available('a')).toBe(1);
    expect(catalog.replies.map((r) => r.type)).toEqual(['Reserved', 'Reserved']);
  });

  it('rejects a reserve that arrives after its release as cancelled, holding nothing', async () => {
    const { reserve, release, available } = setUp();
    expect((await release.execute(new ReleaseStockCommand('o1', 'timeout', delivery('m1'), {}))).reply.type).toBe(
      'Released',
    );
    const outcome = await reserve.execute(
      new ReserveStockCommand('o1', [{ productId: 'a', quantity: 1 }], delivery('m2'), {}),
    );
    expect(outcome.reply).toEqual({ type: 'Rejected', orderId: 'o1', reason: 'cancelled', productIds: [] });
    expect(await available('a')).toBe(3);
  });
});
