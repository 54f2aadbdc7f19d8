import type { ProductEvent } from '../../entity/product/product.events.js';
import type { ProductState } from '../../entity/product/product.state.js';
import type { CommandContext } from './command-context.js';

/** A product stream folded to its state, with the version to append at. */
export interface LoadedProduct {
  readonly state: ProductState;
  /** Number of events in the stream (0 = absent). */
  readonly version: number;
}

/** Another writer appended to the stream since it was loaded; reload and decide again. */
export class ConcurrencyConflictError extends Error {
  readonly code = 'PRODUCT.CONCURRENCY_CONFLICT';
  constructor(productId: string) {
    super(`Product ${productId} was changed concurrently`);
  }
}

/** Event-sourced storage of Product aggregates (implemented in repository/). */
export interface ProductRepositoryPort {
  load(productId: string): Promise<LoadedProduct>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, the integration events
   * they imply (outbox) and the SKU reservation of a new product.
   * @throws ConcurrencyConflictError when the stream moved on
   * @throws DuplicateSkuError when a new product's SKU is taken
   */
  save(productId: string, events: readonly ProductEvent[], expectedVersion: number, context: CommandContext): Promise<void>;
}

export const PRODUCT_REPOSITORY = Symbol('ProductRepositoryPort');
