import type { OccurrenceOverride, Reminder } from '@archipelago/util-calendar';

/** What a calendar event carries: its schedule (local times in `timeZone`, see util-calendar `Schedule`) and the rest. */
export interface EventFields {
  readonly workspaceId: string;
  readonly title: string;
  readonly description: string | null;
  readonly location: string | null;
  readonly timeZone: string;
  readonly allDay: boolean;
  readonly start: string;
  readonly end: string;
  readonly rrule: string | null;
  readonly exdates: readonly string[];
  readonly rdates: readonly string[];
  readonly overrides: readonly OccurrenceOverride[];
  /** Member ids of the workspace invited to the event. */
  readonly attendees: readonly string[];
  readonly reminders: readonly Reminder[];
}

export interface EventCreated {
  readonly type: 'EventCreated';
  readonly data: EventFields & { readonly eventId: string; readonly createdBy: string; readonly at: string };
}

/** Changed fields only. A change of start, end, zone, all-day or RRULE drops the overrides (`overrides: []`). */
export interface EventUpdated {
  readonly type: 'EventUpdated';
  readonly data: { readonly eventId: string; readonly changes: Partial<EventFields>; readonly at: string };
}

/** One occurrence (by RECURRENCE-ID, its original local start) is cancelled. */
export interface OccurrenceCancelled {
  readonly type: 'OccurrenceCancelled';
  readonly data: { readonly eventId: string; readonly recurrenceId: string; readonly at: string };
}

/**
 * One occurrence is moved to a new local start/end in the event's zone (or kept there), with its own
 * `title`, `description` and `location` when given (absent ones are the series').
 */
export interface OccurrenceMoved {
  readonly type: 'OccurrenceMoved';
  readonly data: {
    readonly eventId: string;
    readonly recurrenceId: string;
    readonly start: string;
    readonly end: string;
    readonly title?: string;
    readonly description?: string;
    readonly location?: string;
    readonly at: string;
  };
}

export interface EventDeleted {
  readonly type: 'EventDeleted';
  readonly data: { readonly eventId: string; readonly workspaceId: string; readonly at: string };
}

export type CalendarEventEvent = EventCreated | EventUpdated | OccurrenceCancelled | OccurrenceMoved | EventDeleted;
