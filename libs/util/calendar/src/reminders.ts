import { type FieldProblem, formatInstant, isValidTimeZone, parseDate, parseInstant, Temporal } from './local-time.js';
import { expandOccurrences, ScheduleError, type Schedule, type Window } from './recurrence.js';

/**
 * A reminder (an alarm, RFC 5545 §3.6.6 VALARM TRIGGER): relative to the start (event) or due time
 * (task) as a signed RFC 5545 duration (`-PT15M`, `-P1D`, `-P1W`, `PT0S`, `-P1DT2H`), or at an
 * absolute UTC instant (`{ at: '2026-03-27T07:45:00Z' }`).
 */
export type Reminder = { readonly offset: string } | { readonly at: string };

/** The anchor a relative reminder counts from: a timed start (UTC instant, read in `timeZone`) or an all-day date. */
export type ReminderAnchor =
  | { readonly allDay: false; readonly start: string; readonly timeZone: string }
  | { readonly allDay: true; readonly date: string; readonly timeZone: string };

/** One reminder due for one occurrence: what the reminder engine stores and fires once. */
export interface DueReminder {
  /** The occurrence's RECURRENCE-ID (its original local start, or date); null for an absolute reminder. */
  readonly recurrenceId: string | null;
  /** Index of the reminder in the event's `reminders` list. */
  readonly reminderIndex: number;
  /** The occurrence start the reminder belongs to (UTC instant or date); null for an absolute reminder. */
  readonly occurrenceStart: string | null;
  /** When the reminder fires, a UTC instant. */
  readonly dueAt: string;
}

/** The largest offset accepted either way (a year of nominal days). */
export const MAX_REMINDER_OFFSET_DAYS = 366;
/** RFC 5545 §3.3.6 dur-value: weeks, or days and/or a time part; no years or months. */
const DUR_VALUE = /^[+-]?P(?:\d+W|(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?)$/;

/** Parses an RFC 5545 duration (`-PT15M`, `-P2D`); undefined when malformed, empty (`P`) or over a year. */
export function parseReminderOffset(value: unknown): Temporal.Duration | undefined {
  if (typeof value !== 'string' || value.length > 40 || !DUR_VALUE.test(value) || /^[+-]?PT?$/.test(value))
    return undefined;
  try {
    const duration = Temporal.Duration.from(value.startsWith('+') ? value.slice(1) : value);
    const days = Math.abs(duration.total({ unit: 'days', relativeTo: Temporal.PlainDate.from('2026-01-01') }));
    return days <= MAX_REMINDER_OFFSET_DAYS ? duration : undefined;
  } catch {
    return undefined;
  }
}

/** Checks a list of reminders; problems are named `reminders/<i>` or `reminders/<i>/offset|at`. */
export function validateReminders(reminders: unknown, max = 10): FieldProblem[] {
  if (reminders === undefined || reminders === null) return [];
  if (!Array.isArray(reminders)) return [{ field: 'reminders', message: 'must be a list' }];
  if (reminders.length > max) return [{ field: 'reminders', message: `at most ${max} reminders` }];
  const problems: FieldProblem[] = [];
  reminders.forEach((r: unknown, i) => {
    const item = r as Record<string, unknown> | null;
    const hasOffset = item !== null && typeof item === 'object' && 'offset' in item;
    const hasAt = item !== null && typeof item === 'object' && 'at' in item;
    if (hasOffset === hasAt)
      problems.push({
        field: `reminders/${i}`,
        message: 'must have exactly one of offset (an RFC 5545 duration) or at (an instant)',
      });
    else if (hasOffset && !parseReminderOffset(item.offset))
      problems.push({
        field: `reminders/${i}/offset`,
        message: `must be an RFC 5545 duration such as -PT15M or -P1D, at most ${MAX_REMINDER_OFFSET_DAYS} days`,
      });
    else if (hasAt && !parseInstant(item.at))
      problems.push({ field: `reminders/${i}/at`, message: 'must be an RFC 3339 instant' });
  });
  return problems;
}

/**
 * The instant a relative reminder fires for an anchor. Days and weeks are nominal (RFC 5545 §3.3.6):
 * `-P1D` before 09:00 is 09:00 local the day before, even across a DST change, so `-P2D` and `-PT48H`
 * differ by the shift; hours, minutes and seconds are exact. An all-day anchor counts from 00:00 of
 * its date in `anchor.timeZone` (the reminder owner's zone: the date itself is floating).
 * @throws RangeError when the offset or the anchor is malformed
 */
export function reminderDueAt(anchor: ReminderAnchor, reminder: Reminder): string {
  if ('at' in reminder) {
    const at = parseInstant(reminder.at);
    if (!at) throw new RangeError(`Invalid reminder instant ${String(reminder.at)}`);
    return formatInstant(at);
  }
  const offset = parseReminderOffset(reminder.offset);
  if (!offset) throw new RangeError(`Invalid reminder offset ${String(reminder.offset)}`);
  if (!isValidTimeZone(anchor.timeZone)) throw new RangeError(`Unknown time zone ${anchor.timeZone}`);
  let start: Temporal.ZonedDateTime;
  if (anchor.allDay) {
    const date = parseDate(anchor.date);
    if (!date) throw new RangeError(`Invalid date ${anchor.date}`);
    start = date.toZonedDateTime({ timeZone: anchor.timeZone });
  } else {
    const instant = parseInstant(anchor.start);
    if (!instant) throw new RangeError(`Invalid instant ${anchor.start}`);
    start = instant.toZonedDateTimeISO(anchor.timeZone);
  }
  return formatInstant(start.add(offset).toInstant());
}

/**
 * The reminders of a (possibly recurring) event that fall due in `window` (`from <= dueAt < to`), one
 * per reminder per occurrence, sorted by `dueAt` then occurrence then reminder index: what the
 * reminder engine stores for the next window. Relative reminders follow each occurrence, including
 * moved ones (at their new time); cancelled occurrences and EXDATEs get none. An absolute reminder
 * fires once. All-day events count from 00:00 of the date in `ownerTimeZone`.
 * @throws ScheduleError when the schedule, the reminders or the window are invalid
 */
export function dueReminders(
  schedule: Schedule,
  reminders: readonly Reminder[],
  window: Window,
  ownerTimeZone = schedule.timeZone,
): DueReminder[] {
  const problems = validateReminders(reminders);
  const from = parseInstant(window.from);
  const to = parseInstant(window.to);
  if (!from) problems.push({ field: 'from', message: 'must be an RFC 3339 instant' });
  if (!to) problems.push({ field: 'to', message: 'must be an RFC 3339 instant' });
  if (!isValidTimeZone(ownerTimeZone))
    problems.push({ field: 'ownerTimeZone', message: 'must be an IANA time zone name' });
  if (problems.length > 0) throw new ScheduleError(problems);
  const inWindow = (at: string) => {
    const instant = Temporal.Instant.from(at);
    return Temporal.Instant.compare(instant, from!) >= 0 && Temporal.Instant.compare(instant, to!) < 0;
  };
  const out: DueReminder[] = [];
  const relative = reminders.map((r, i) => ({ r, i })).filter(({ r }) => 'offset' in r);
  for (const { r, i } of reminders.map((r, i) => ({ r, i }))) {
    if ('at' in r && inWindow(reminderDueAt({ allDay: false, start: r.at, timeZone: 'UTC' }, r))) {
      out.push({
        recurrenceId: null,
        reminderIndex: i,
        occurrenceStart: null,
        dueAt: reminderDueAt({ allDay: false, start: r.at, timeZone: 'UTC' }, r),
      });
    }
  }
  if (relative.length > 0) {
    // An occurrence whose reminder is due in [from, to) starts in [from - offset, to - offset]; a day of
    // slack each side covers nominal days across DST changes and all-day dates in any zone.
    const seconds = relative.map(({ r }) =>
      Math.trunc(
        parseReminderOffset((r as { offset: string }).offset)!.total({
          unit: 'seconds',
          relativeTo: Temporal.PlainDate.from('2026-01-01'),
        }),
      ),
    );
    const slack = 48 * 3600;
    const searchFrom = from!.subtract({ seconds: Math.max(0, ...seconds) + slack });
    const searchTo = to!.add({ seconds: Math.max(0, ...seconds.map((s) => -s)) + slack });
    const occurrences = expandOccurrences(
      schedule,
      { from: formatInstant(searchFrom), to: formatInstant(searchTo) },
      ownerTimeZone,
    );
    for (const occurrence of occurrences) {
      const anchor: ReminderAnchor = occurrence.allDay
        ? { allDay: true, date: occurrence.start, timeZone: ownerTimeZone }
        : { allDay: false, start: occurrence.start, timeZone: schedule.timeZone };
      for (const { r, i } of relative) {
        const dueAt = reminderDueAt(anchor, r);
        if (inWindow(dueAt))
          out.push({
            recurrenceId: occurrence.recurrenceId,
            reminderIndex: i,
            occurrenceStart: occurrence.start,
            dueAt,
          });
      }
    }
  }
  return out.sort(
    (a, b) =>
      Temporal.Instant.compare(Temporal.Instant.from(a.dueAt), Temporal.Instant.from(b.dueAt)) ||
      (a.occurrenceStart ?? '').localeCompare(b.occurrenceStart ?? '') ||
      a.reminderIndex - b.reminderIndex,
  );
}
