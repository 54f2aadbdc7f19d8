import { describe, expect, it } from 'vitest';
import { orderDecider } from '../../entity/order/order.decider.js';
import { UnknownProductError } from '../../entity/order/order.errors.js';
import type { OrderEvent } from '../../entity/order/order.events.js';
import type { Money } from '../../entity/money.js';
import type { CatalogGatewayPort } from '../port/catalog.gateway.port.js';
import type { OrderReadModelPort } from '../port/order.read-model.port.js';
import { ConcurrencyConflictError, type IdempotencyRecord, type OrderRepositoryPort } from '../port/order.repository.port.js';
import { PlaceOrderCommand } from './place-order.command.js';
import { IdempotencyKeyReusedError } from './place-order.errors.js';
import { PlaceOrderUseCase } from './place-order.use-case.js';

/** In-memory order streams and Idempotency-Keys, with the real store's rules. */
class InMemoryOrders implements OrderRepositoryPort {
  readonly streams = new Map<string, OrderEvent[]>();
  readonly keys = new Map<string, IdempotencyRecord>();
  async load(id: string) {
    const events = this.streams.get(id) ?? [];
    return { state: events.reduce(orderDecider.evolve, orderDecider.initialState()), version: events.length };
  }
  async save(id: string, events: readonly OrderEvent[], expectedVersion: number) {
    const current = this.streams.get(id) ?? [];
    if (current.length !== expectedVersion) throw new ConcurrencyConflictError(id);
    this.streams.set(id, [...current, ...events]);
  }
  async place(id: string, events: readonly OrderEvent[], _c: object, idempotency: { customerId: string; key: string; fingerprint: string } | null) {
    if (idempotency) this.keys.set(`${idempotency.customerId}/${idempotency.key}`, { orderId: id, fingerprint: idempotency.fingerprint });
    await this.save(id, events, 0);
  }
  async findIdempotencyKey(customerId: string, key: string) {
    return this.keys.get(`${customerId}/${key}`) ?? null;
  }
  async history() {
    return [];
  }
}

const KETTLE = 'p-kettle';
const catalog = (prices: Record<string, Money>): CatalogGatewayPort & { calls: number } => ({
  calls: 0,
  async pricesOf(ids) {
    this.calls++;
    return { prices: Object.fromEntries(ids.filter((id) => prices[id]).map((id) => [id, prices[id]!])), missingIds: ids.filter((id) => !prices[id]) };
  },
});
const readModel: OrderReadModelPort = { list: async () => ({ items: [], nextCursor: null }), refresh: () => undefined };
const setup = () => {
  const orders = new InMemoryOrders();
  const prices = catalog({ [KETTLE]: { amount: 1250, currency: 'USD' } });
  const useCase = new PlaceOrderUseCase(orders, readModel, prices, { currency: 'USD', orderTimeoutMs: 30_000 });
  return { orders, prices, useCase };
};
const place = (items: Array<{ productId: string; quantity: number }>, key?: string, customer = 'c1') => new PlaceOrderCommand(customer, items, key, {});

describe('PlaceOrderUseCase', () => {
  it('places a priced order with a deadline ORDER_TIMEOUT_MS after placement', async () => {
    const { orders, useCase } = setup();
    const { order, replayed } = await useCase.execute(place([{ productId: KETTLE, quantity: 2 }]));
    expect(replayed).toBe(false);
    expect(order).toMatchObject({ status: 'pending', customerId: 'c1', total: { amount: 2500, currency: 'USD' } });
    expect(Date.parse(order.deadline) - Date.parse(order.createdAt)).toBe(30_000);
    expect(orders.streams.get(order.id)?.map((e) => e.type)).toEqual(['OrderPlaced']);
  });

  it('answers the same order for the same key and an equivalent body, without asking the catalog again', async () => {
    const { orders, prices, useCase } = setup();
    const first = await useCase.execute(place([{ productId: KETTLE, quantity: 2 }], 'k1'));
    const again = await useCase.execute(place([{ productId: KETTLE, quantity: 1 }, { productId: KETTLE, quantity: 1 }], 'k1'));
    expect(again).toMatchObject({ replayed: true, order: { id: first.order.id } });
    expect(prices.calls).toBe(1);
    expect(orders.streams.size).toBe(1);
  });

  it('refuses the same key with another body (422) and keeps keys per customer', async () => {
    const { orders, useCase } = setup();
    await useCase.execute(place([{ productId: KETTLE, quantity: 1 }], 'k1'));
    await expect(useCase.execute(place([{ productId: KETTLE, quantity: 3 }], 'k1'))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    const other = await useCase.execute(place([{ productId: KETTLE, quantity: 3 }], 'k1', 'c2'));
    expect(other.replayed).toBe(false);
    expect(orders.streams.size).toBe(2);
  });

  it('refuses an unknown product and stores nothing', async () => {
    const { orders, useCase } = setup();
    await expect(useCase.execute(place([{ productId: 'p-ghost', quantity: 1 }], 'k1'))).rejects.toBeInstanceOf(UnknownProductError);
    expect(orders.streams.size).toBe(0);
    expect(orders.keys.size).toBe(0);
  });
});
