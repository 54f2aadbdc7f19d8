import { type Reminder, reminderDueAt, Temporal } from '@archipelago/util-calendar';
import type { TaskFields } from './task.model.js';

/** One reminder of a task: its position in `reminders` and when it fires (UTC instant). */
export interface TaskReminderDue {
  readonly reminderIndex: number;
  readonly dueAt: string;
}

/**
 * When each reminder of a task fires, sorted by time. Relative offsets count from the due: a due
 * date-time in its zone, a due date from 00:00 of that date in the task's zone (as RFC 5545 anchors
 * alarms of DATE values); days are nominal (`-P1D` keeps the wall time across DST). Absolute reminders
 * fire at their instant. A task without a due has only its absolute reminders (validation refuses
 * relative ones without a due).
 */
export function taskReminderTimes(fields: TaskFields): TaskReminderDue[] {
  const due = fields.due;
  const out: TaskReminderDue[] = [];
  fields.reminders.forEach((reminder, reminderIndex) => {
    if ('at' in reminder) {
      out.push({
        reminderIndex,
        dueAt: reminderDueAt({ allDay: false, start: reminder.at, timeZone: 'UTC' }, reminder),
      });
      return;
    }
    if (!due) return;
    const anchor =
      'date' in due
        ? ({ allDay: true, date: due.date, timeZone: fields.timeZone } as const)
        : ({
            allDay: false,
            start: Temporal.PlainDateTime.from(due.dateTime).toZonedDateTime(due.timeZone).toInstant().toString(),
            timeZone: due.timeZone,
          } as const);
    out.push({ reminderIndex, dueAt: reminderDueAt(anchor, reminder) });
  });
  return out.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.reminderIndex - b.reminderIndex);
}

/**
 * The reminders a new task gets from its creator's defaults in its workspace, when its request has no
 * `reminders` key (an explicit list, even empty, wins; the caller checks that). Relative defaults count
 * from the due, so a task created **without** a due gets only the absolute (`{ at }`) ones — none when
 * all are relative — rather than a 400 for reminders the caller never sent. A due set later does not
 * bring them back: defaults apply at creation only, as for calendar events.
 */
export function defaultRemindersFor(hasDue: boolean, defaults: readonly Reminder[]): Reminder[] {
  return defaults.filter((r) => hasDue || 'at' in r).map((r) => ('offset' in r ? { offset: r.offset } : { at: r.at }));
}
