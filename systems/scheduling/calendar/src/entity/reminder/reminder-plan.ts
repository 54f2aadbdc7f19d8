import { dueReminders, type Reminder, type Window } from '@archipelago/util-calendar';
import { scheduleOfEvent } from '../event/calendar-event.decider.js';
import type { EventFields } from '../event/calendar-event.events.js';

/**
 * One reminder of one occurrence, as the reminder engine stores it. `key` identifies the reminder
 * occurrence for exactly-once delivery: event, RECURRENCE-ID and the reminder itself (its offset or
 * instant, not its position, so reordering the list changes nothing). `dueAt` may move; the key stays.
 */
export interface PlannedReminder {
  readonly key: string;
  readonly eventId: string;
  readonly workspaceId: string;
  readonly recurrenceId: string | null;
  readonly occurrenceStart: string | null;
  readonly dueAt: string;
  /** Who is reminded: the attendees, or `createdBy` when there are none (resolved by the caller). */
  readonly recipients: readonly string[];
}

const spec = (r: Reminder) => ('offset' in r ? `offset:${r.offset}` : `at:${r.at}`);

/**
 * The reminders of an event due in `window` (`from <= dueAt < to`), one per reminder per occurrence
 * (moved occurrences at their new time, cancelled ones none), sorted by `dueAt`. A deleted event
 * (`fields` null) has none. All-day events count from 00:00 in `ownerTimeZone`.
 * @throws ScheduleError (util-calendar) when the window is invalid
 */
export function planReminders(
  eventId: string,
  fields: EventFields | null,
  window: Window,
  recipients: readonly string[],
  ownerTimeZone?: string,
): PlannedReminder[] {
  if (!fields || fields.reminders.length === 0) return [];
  return dueReminders(scheduleOfEvent(fields), fields.reminders, window, ownerTimeZone ?? fields.timeZone).map((d) => ({
    key: `${eventId}|${d.recurrenceId ?? 'once'}|${spec(fields.reminders[d.reminderIndex]!)}`,
    eventId,
    workspaceId: fields.workspaceId,
    recurrenceId: d.recurrenceId,
    occurrenceStart: d.occurrenceStart,
    dueAt: d.dueAt,
    recipients,
  }));
}

/** How the stored, not yet fired reminders of an event change after it changed. */
export interface ReminderChanges {
  readonly add: PlannedReminder[];
  /** Same key, new due time (the occurrence moved, or the event's time changed). */
  readonly move: PlannedReminder[];
  /** Keys of pending reminders that no longer exist (occurrence cancelled, reminder removed, event deleted). */
  readonly cancel: string[];
}

/**
 * Compares the pending reminders the engine holds for an event in a window with a fresh plan for the
 * same window. Keys in `fired` (already emitted) are never added again: one reminder per occurrence.
 */
export function reconcileReminders(
  pending: readonly PlannedReminder[],
  planned: readonly PlannedReminder[],
  fired: ReadonlySet<string> = new Set(),
): ReminderChanges {
  const before = new Map(pending.map((p) => [p.key, p]));
  const after = new Map(planned.map((p) => [p.key, p]));
  const add: PlannedReminder[] = [];
  const move: PlannedReminder[] = [];
  for (const [key, p] of after) {
    const old = before.get(key);
    if (!old) {
      if (!fired.has(key)) add.push(p);
    } else if (old.dueAt !== p.dueAt || old.recipients.join() !== p.recipients.join()) move.push(p);
  }
  const cancel = [...before.keys()].filter((key) => !after.has(key));
  return { add, move, cancel };
}
