import type { CalendarEventState } from '../../entity/event/calendar-event.decider.js';
import type { CalendarEventEvent } from '../../entity/event/calendar-event.events.js';
import type { CommandContext } from './command-context.js';

/** An event stream folded to its state, with the version to append at. */
export interface LoadedCalendarEvent {
  readonly state: CalendarEventState;
  /** Number of events in the stream (0 = absent). */
  readonly version: number;
}

/** Another writer appended to the stream since it was loaded; reload and decide again. */
export class ConcurrencyConflictError extends Error {
  readonly code = 'EVENT.CONCURRENCY_CONFLICT';
  constructor(eventId: string) {
    super(`event ${eventId} was changed concurrently`);
  }
}

/** Event-sourced storage of calendar events (implemented in repository/). */
export interface CalendarEventRepositoryPort {
  load(eventId: string): Promise<LoadedCalendarEvent>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, the integration events they
   * imply (outbox). `before` is the state the events were decided on (default: absent, a new event);
   * the integration events carry fields of the state after them.
   * @throws ConcurrencyConflictError when the stream moved on
   */
  save(
    eventId: string,
    events: readonly CalendarEventEvent[],
    expectedVersion: number,
    context: CommandContext,
    before?: CalendarEventState,
  ): Promise<void>;
}

export const CALENDAR_EVENT_REPOSITORY = Symbol('CalendarEventRepositoryPort');
