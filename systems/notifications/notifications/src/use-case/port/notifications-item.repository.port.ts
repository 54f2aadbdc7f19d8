import type { NotificationsItemEvent } from '../../entity/notifications-item/notifications-item.events.js';
import type { NotificationsItemState } from '../../entity/notifications-item/notifications-item.state.js';
import type { CommandContext } from './command-context.js';

/** A NotificationsItem stream folded to its state, with the version to append at. */
export interface LoadedNotificationsItem {
  readonly state: NotificationsItemState;
  /** Number of events in the stream (0 = absent). */
  readonly version: number;
}

/** Another writer appended to the stream since it was loaded; reload and decide again. */
export class ConcurrencyConflictError extends Error {
  readonly code = 'NOTIFICATIONS_ITEM.CONCURRENCY_CONFLICT';
  constructor(itemId: string) {
    super(`NotificationsItem ${itemId} was changed concurrently`);
  }
}

/** Event-sourced storage of NotificationsItem aggregates (implemented in repository/). */
export interface NotificationsItemRepositoryPort {
  load(itemId: string): Promise<LoadedNotificationsItem>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, the integration events
   * they imply (outbox).
   * @throws ConcurrencyConflictError when the stream moved on
   */
  save(
    itemId: string,
    events: readonly NotificationsItemEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void>;
}

export const NOTIFICATIONS_ITEM_REPOSITORY = Symbol('NotificationsItemRepositoryPort');
