import type { CredentialsItemEvent } from '../../entity/credentials-item/credentials-item.events.js';
import type { CredentialsItemState } from '../../entity/credentials-item/credentials-item.state.js';
import type { CommandContext } from './command-context.js';

/** A CredentialsItem stream folded to its state, with the version to append at. */
export interface LoadedCredentialsItem {
  readonly state: CredentialsItemState;
  /** Number of events in the stream (0 = absent). */
  readonly version: number;
}

/** Another writer appended to the stream since it was loaded; reload and decide again. */
export class ConcurrencyConflictError extends Error {
  readonly code = 'CREDENTIALS_ITEM.CONCURRENCY_CONFLICT';
  constructor(itemId: string) {
    super(`CredentialsItem ${itemId} was changed concurrently`);
  }
}

/** Event-sourced storage of CredentialsItem aggregates (implemented in repository/). */
export interface CredentialsItemRepositoryPort {
  load(itemId: string): Promise<LoadedCredentialsItem>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, the integration events
   * they imply (outbox).
   * @throws ConcurrencyConflictError when the stream moved on
   */
  save(
    itemId: string,
    events: readonly CredentialsItemEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void>;
}

export const CREDENTIALS_ITEM_REPOSITORY = Symbol('CredentialsItemRepositoryPort');
