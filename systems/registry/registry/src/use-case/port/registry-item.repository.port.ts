import type { RegistryItemEvent } from '../../entity/registry-item/registry-item.events.js';
import type { RegistryItemState } from '../../entity/registry-item/registry-item.state.js';
import type { CommandContext } from './command-context.js';

/** A RegistryItem stream folded to its state, with the version to append at. */
export interface LoadedRegistryItem {
  readonly state: RegistryItemState;
  /** Number of events in the stream (0 = absent). */
  readonly version: number;
}

/** Another writer appended to the stream since it was loaded; reload and decide again. */
export class ConcurrencyConflictError extends Error {
  readonly code = 'REGISTRY_ITEM.CONCURRENCY_CONFLICT';
  constructor(itemId: string) {
    super(`RegistryItem ${itemId} was changed concurrently`);
  }
}

/** Event-sourced storage of RegistryItem aggregates (implemented in repository/). */
export interface RegistryItemRepositoryPort {
  load(itemId: string): Promise<LoadedRegistryItem>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, the integration events
   * they imply (outbox).
   * @throws ConcurrencyConflictError when the stream moved on
   */
  save(
    itemId: string,
    events: readonly RegistryItemEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void>;
}

export const REGISTRY_ITEM_REPOSITORY = Symbol('RegistryItemRepositoryPort');
