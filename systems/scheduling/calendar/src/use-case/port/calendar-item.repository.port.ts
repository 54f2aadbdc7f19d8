import type { CalendarItemEvent } from '../../entity/calendar-item/calendar-item.events.js';
import type { CalendarItemState } from '../../entity/calendar-item/calendar-item.state.js';
import type { CommandContext } from './command-context.js';

/** A CalendarItem stream folded to its state, with the version to append at. */
export interface LoadedCalendarItem {
  readonly state: CalendarItemState;
  /** Number of events in the stream (0 = absent). */
  readonly version: number;
}

/** Another writer appended to the stream since it was loaded; reload and decide again. */
export class ConcurrencyConflictError extends Error {
  readonly code = 'CALENDAR_ITEM.CONCURRENCY_CONFLICT';
  constructor(itemId: string) {
    super(`CalendarItem ${itemId} was changed concurrently`);
  }
}

/** Event-sourced storage of CalendarItem aggregates (implemented in repository/). */
export interface CalendarItemRepositoryPort {
  load(itemId: string): Promise<LoadedCalendarItem>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, the integration events
   * they imply (outbox).
   * @throws ConcurrencyConflictError when the stream moved on
   */
  save(
    itemId: string,
    events: readonly CalendarItemEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void>;
}

export const CALENDAR_ITEM_REPOSITORY = Symbol('CalendarItemRepositoryPort');
