import type { EventFields } from '../../entity/event/calendar-event.events.js';

/** An event as the query side keeps it (projection of the CalendarEvent stream). */
export interface EventRecord {
  readonly eventId: string;
  readonly version: number;
  readonly fields: EventFields;
}

/** Read model of calendar events (to be implemented in repository/ as a projection). */
export interface EventReadModelPort {
  /**
   * Events of `workspaceId` that may have occurrences in `[from, to)`: every recurring event whose
   * series starts before `to` (its end is unknown without expanding), and single events overlapping
   * the window. A superset is fine: expansion filters exactly.
   */
  candidates(workspaceId: string, from: string, to: string): Promise<EventRecord[]>;
}

export const EVENT_READ_MODEL = Symbol('EventReadModelPort');
