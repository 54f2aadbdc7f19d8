import {
  inTransaction,
  isUniqueViolation,
  PostgresEventStore,
  StreamStateCache,
  WrongExpectedVersionError,
} from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { DuplicateSkuError } from '../entity/product/product.errors.js';
import type { ProductEvent } from '../entity/product/product.events.js';
import { productDecider } from '../entity/product/product.decider.js';
import type { ProductState } from '../entity/product/product.state.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  ConcurrencyConflictError,
  type LoadedProduct,
  type ProductRepositoryPort,
} from '../use-case/port/product.repository.port.js';
import { toIntegrationEvents } from './product.integration-events.js';

/** Stream id of a product: `product-<uuid>`. */
export const productStreamId = (productId: string): string => `product-${productId}`;

/**
 * Product aggregates in the Postgres event store. `save` commits, in ONE transaction, the domain
 * events, the SKU reservation of a new product and the integration events (outbox).
 */
export class ProductEventStoreRepository implements ProductRepositoryPort {
  /**
   * Folded product streams: a product's stream grows by two events per order line (reserve, then
   * commit or release), so folding it from the first event on every load grew with the shop's age.
   */
  private readonly cache: StreamStateCache<ProductState>;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {
    this.cache = new StreamStateCache(store, {
      initialState: productDecider.initialState,
      evolve: (s, e) => productDecider.evolve(s, { type: e.type, data: e.data } as ProductEvent),
    });
  }

  load(productId: string): Promise<LoadedProduct> {
    return this.cache.load(this.pool, productStreamId(productId));
  }

  async save(productId: string, events: readonly ProductEvent[], expectedVersion: number, context: CommandContext): Promise<void> {
    try {
      await inTransaction(this.pool, async (client) => {
        for (const event of events) {
          if (event.type === 'ProductCreated') {
            await client.query(`INSERT INTO ${this.skuTable} (sku, product_id) VALUES ($1, $2)`, [event.data.sku, productId]);
          }
        }
        await this.store.append(
          client,
          productStreamId(productId),
          events.map((e) => ({ type: e.type, data: e.data })),
          { expectedVersion, metadata: { ...context } },
        );
        await this.messaging.outbox.add(client, toIntegrationEvents(events, context.traceparent));
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new ConcurrencyConflictError(productId);
      if (isUniqueViolation(error, 'product_skus_pkey')) {
        const created = events.find((e) => e.type === 'ProductCreated');
        throw new DuplicateSkuError(created?.data.sku ?? '');
      }
      throw error;
    }
  }

  private get skuTable(): string {
    return `"${this.store.schema}".product_skus`;
  }
}
