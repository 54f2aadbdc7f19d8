import { RRuleTemporal } from 'rrule-temporal';
import {
  type FieldProblem,
  formatInstant,
  isValidTimeZone,
  parseDate,
  parseInstant,
  parseLocalDateTime,
  Temporal,
  zoned,
} from './local-time.js';

/**
 * One occurrence changed by a RECURRENCE-ID override (RFC 5545 §3.8.4.4): either cancelled, or moved
 * to a new local start/end in the series' time zone (dates when the series is all-day), optionally
 * with its own title (SUMMARY; 1–500 characters), description (DESCRIPTION; 1–10 000) and location
 * (LOCATION; 1–500) — absent ones are the series'. `recurrenceId` is the occurrence's original local
 * start (`YYYY-MM-DDTHH:mm:ss`, or `YYYY-MM-DD`).
 */
export type OccurrenceOverride =
  | { readonly recurrenceId: string; readonly cancelled: true }
  | {
      readonly recurrenceId: string;
      readonly start: string;
      readonly end: string;
      readonly title?: string;
      readonly description?: string;
      readonly location?: string;
    };

/** The longest title an override may carry (the series' limit). */
export const MAX_OVERRIDE_TITLE = 500;
/** The longest description and location an override may carry (the series' limits). */
export const MAX_OVERRIDE_DESCRIPTION = 10_000;
export const MAX_OVERRIDE_LOCATION = 500;

/** An override's own texts (title, description, location), in that order; only those it gives. */
export const OVERRIDE_TEXTS = [
  ['title', MAX_OVERRIDE_TITLE],
  ['description', MAX_OVERRIDE_DESCRIPTION],
  ['location', MAX_OVERRIDE_LOCATION],
] as const;

/**
 * A calendar event's schedule as the domain stores it. Times are local wall-clock values in
 * `timeZone` (an IANA name), never UTC instants, so a series keeps its 09:00 across DST changes.
 * All-day events (`allDay: true`) use floating dates (`YYYY-MM-DD`, `end` exclusive as DTEND;VALUE=DATE);
 * their `timeZone` is kept for display only and never turns a date into a UTC midnight.
 */
export interface Schedule {
  readonly timeZone: string;
  readonly allDay: boolean;
  /** `YYYY-MM-DDTHH:mm[:ss]` local in `timeZone`, or `YYYY-MM-DD` when all-day. */
  readonly start: string;
  /** Same format as `start`; after it (all-day: the exclusive end date, at least the next day). */
  readonly end: string;
  /** The RRULE value (RFC 5545 §3.3.10) without `RRULE:` and without DTSTART, e.g. `FREQ=WEEKLY;BYDAY=MO`. */
  readonly rrule?: string | null;
  /** EXDATE values: original local starts (or dates) of occurrences removed from the set. */
  readonly exdates?: readonly string[];
  /** RDATE values: extra local starts (or dates) added to the set, each with the series' duration. */
  readonly rdates?: readonly string[];
  /** Single-occurrence overrides by RECURRENCE-ID. */
  readonly overrides?: readonly OccurrenceOverride[];
}

/**
 * One expanded occurrence. Timed events: `start`/`end` are UTC instants (`2026-03-27T08:00:00Z`).
 * All-day events: `start`/`end` are dates (`end` exclusive). `recurrenceId` is the original local start
 * that identifies the occurrence (for overrides, EXDATE and reminders), `overridden` is true when moved
 * (or retitled).
 */
export interface Occurrence {
  readonly recurrenceId: string;
  readonly start: string;
  readonly end: string;
  readonly allDay: boolean;
  readonly overridden: boolean;
  /** The occurrence's own title when an override gives it one (else the series' title applies). */
  readonly title?: string;
  /** The occurrence's own description, when an override gives it one (else the series'). */
  readonly description?: string;
  /** The occurrence's own location, when an override gives it one (else the series'). */
  readonly location?: string;
}

/** A half-open window `[from, to)` of UTC instants (RFC 3339). */
export interface Window {
  readonly from: string;
  readonly to: string;
}

/** Thrown by {@link expandOccurrences} for an invalid schedule or window; `problems` names each field. */
export class ScheduleError extends Error {
  readonly problems: readonly FieldProblem[];
  constructor(problems: readonly FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.problems = problems;
    this.name = 'ScheduleError';
  }
}

/** The most occurrences one expansion returns; a window asking for more is refused. */
export const MAX_OCCURRENCES = 5000;
/** Rule parts RFC 5545 §3.3.10 defines (plus RSCALE/SKIP of RFC 7529, which the library supports). */
const RULE_PARTS = new Set([
  'FREQ',
  'UNTIL',
  'COUNT',
  'INTERVAL',
  'BYSECOND',
  'BYMINUTE',
  'BYHOUR',
  'BYDAY',
  'BYMONTHDAY',
  'BYYEARDAY',
  'BYWEEKNO',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
  'RSCALE',
  'SKIP',
]);
const SUB_DAILY = /(^|;)FREQ=(HOURLY|MINUTELY|SECONDLY)(;|$)/;

/** All-day series are expanded in UTC as a neutral calendar: only the dates are read back. */
const DATE_ZONE = 'UTC';

function parsePoint(value: unknown, allDay: boolean): Temporal.PlainDateTime | undefined {
  if (allDay) return parseDate(value)?.toPlainDateTime();
  return parseLocalDateTime(value);
}

/**
 * Checks a schedule and returns every problem by field (empty when valid): an unknown IANA time zone,
 * malformed local times, `end` not after `start`, an RRULE that does not parse or breaks RFC 5545
 * (COUNT with UNTIL, unknown rule parts, DTSTART inside the rule, sub-daily rules on all-day events,
 * UNTIL as a date-time on an all-day series), malformed EXDATE/RDATE/override values, and an override
 * whose RECURRENCE-ID is not an occurrence of the series.
 */
export function validateSchedule(
  schedule: Schedule,
  options: { readonly checkOverrides?: boolean } = {},
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const allDay = schedule.allDay === true;
  if (!isValidTimeZone(schedule.timeZone))
    problems.push({ field: 'timeZone', message: 'must be an IANA time zone name, e.g. Europe/Berlin' });
  const format = allDay ? 'a date YYYY-MM-DD' : 'a local date-time YYYY-MM-DDTHH:mm[:ss]';
  const start = parsePoint(schedule.start, allDay);
  const end = parsePoint(schedule.end, allDay);
  if (!start) problems.push({ field: 'start', message: `must be ${format}` });
  if (!end) problems.push({ field: 'end', message: `must be ${format}` });
  if (start && end && problems.length === 0) {
    const after = allDay
      ? Temporal.PlainDateTime.compare(end, start) > 0
      : Temporal.Instant.compare(
          zoned(end, schedule.timeZone).toInstant(),
          zoned(start, schedule.timeZone).toInstant(),
        ) > 0;
    if (!after) problems.push({ field: 'end', message: 'must be after start' });
  }
  if (schedule.rrule !== undefined && schedule.rrule !== null) problems.push(...validateRrule(schedule.rrule, allDay));
  for (const key of ['exdates', 'rdates'] as const) {
    const values = schedule[key] ?? [];
    if (!Array.isArray(values)) {
      problems.push({ field: key, message: 'must be a list' });
      continue;
    }
    values.forEach((value, i) => {
      if (!parsePoint(value, allDay)) problems.push({ field: `${key}/${i}`, message: `must be ${format}` });
    });
  }
  (schedule.overrides ?? []).forEach((override, i) => {
    if (!parsePoint(override.recurrenceId, allDay))
      problems.push({ field: `overrides/${i}/recurrenceId`, message: `must be ${format}` });
    if ('start' in override) {
      const s = parsePoint(override.start, allDay);
      const e = parsePoint(override.end, allDay);
      if (!s) problems.push({ field: `overrides/${i}/start`, message: `must be ${format}` });
      if (!e) problems.push({ field: `overrides/${i}/end`, message: `must be ${format}` });
      if (s && e && Temporal.PlainDateTime.compare(e, s) <= 0)
        problems.push({ field: `overrides/${i}/end`, message: 'must be after start' });
      for (const [key, max] of OVERRIDE_TEXTS) {
        const value: unknown = override[key];
        if (value !== undefined && (typeof value !== 'string' || value.trim().length === 0 || value.length > max))
          problems.push({
            field: `overrides/${i}/${key}`,
            message: `must be a non-empty string of at most ${max} characters`,
          });
      }
    }
  });
  if (problems.length === 0 && options.checkOverrides !== false) {
    (schedule.overrides ?? []).forEach((override, i) => {
      if (!isOccurrence(schedule, override.recurrenceId)) {
        problems.push({ field: `overrides/${i}/recurrenceId`, message: 'is not an occurrence of the series' });
      }
    });
  }
  return problems;
}

function validateRrule(rrule: unknown, allDay: boolean): FieldProblem[] {
  const field = 'rrule';
  if (typeof rrule !== 'string' || rrule.length === 0 || rrule.length > 1000)
    return [{ field, message: 'must be an RRULE value such as FREQ=DAILY;COUNT=5' }];
  if (/[\r\n]/.test(rrule) || /^(RRULE|DTSTART)/i.test(rrule)) {
    return [
      { field, message: 'must be the RRULE value only (no "RRULE:" prefix, no DTSTART: the start is the event start)' },
    ];
  }
  const parts = rrule.toUpperCase().split(';');
  const names = parts.map((p) => p.split('=')[0] ?? '');
  const unknown = names.filter((n) => !RULE_PARTS.has(n));
  if (unknown.length > 0) return [{ field, message: `unknown rule part(s): ${unknown.join(', ')}` }];
  if (new Set(names).size !== names.length) return [{ field, message: 'a rule part appears twice' }];
  if (names.includes('COUNT') && names.includes('UNTIL'))
    return [{ field, message: 'COUNT and UNTIL must not occur in the same rule (RFC 5545 §3.3.10)' }];
  if (allDay && SUB_DAILY.test(rrule.toUpperCase()))
    return [{ field, message: 'an all-day event cannot repeat more often than daily' }];
  const until = parts.find((p) => p.startsWith('UNTIL='))?.slice(6);
  if (until !== undefined) {
    if (allDay && !/^\d{8}$/.test(until))
      return [{ field, message: 'UNTIL must be a DATE (YYYYMMDD) when the event is all-day' }];
    if (!allDay && !/^\d{8}T\d{6}Z$/.test(until))
      return [{ field, message: 'UNTIL must be a UTC DATE-TIME (YYYYMMDDTHHMMSSZ) when the start has a time zone' }];
  }
  try {
    const rule = new RRuleTemporal({
      rruleString: rrule,
      dtstart: Temporal.ZonedDateTime.from('2026-01-01T09:00[UTC]'),
      strict: true,
    });
    rule.next();
  } catch (error) {
    return [{ field, message: `does not parse: ${(error as Error).message}` }];
  }
  return [];
}

function toRule(schedule: Schedule): { rule?: RRuleTemporal; dtstart: Temporal.ZonedDateTime; zone: string } {
  const allDay = schedule.allDay === true;
  const zone = allDay ? DATE_ZONE : schedule.timeZone;
  const dtstart = zoned(parsePoint(schedule.start, allDay)!, zone);
  const points = (values: readonly string[] | undefined) =>
    (values ?? []).map((v) => zoned(parsePoint(v, allDay)!, zone));
  const exDate = points(schedule.exdates);
  const rDate = points(schedule.rdates);
  if (!schedule.rrule && rDate.length === 0) return { dtstart, zone };
  const rule = new RRuleTemporal({
    // A series without RRULE but with RDATEs is DTSTART plus its RDATEs (RFC 5545 §3.8.5.2).
    rruleString: schedule.rrule ?? 'FREQ=DAILY;COUNT=1',
    dtstart,
    exDate,
    rDate,
    strict: true,
    maxIterations: 100_000,
    // Occurrences come back as this module's Temporal objects (no re-parsing per occurrence).
    temporal: Temporal,
  });
  return { rule, dtstart, zone };
}

function isOccurrence(schedule: Schedule, recurrenceId: string): boolean {
  const allDay = schedule.allDay === true;
  const { rule, dtstart, zone } = toRule({ ...schedule, overrides: [], exdates: [] });
  const target = zoned(parsePoint(recurrenceId, allDay)!, zone);
  if (!rule) return target.equals(dtstart);
  const found = rule.next(target.toInstant().subtract({ seconds: 1 }).toZonedDateTimeISO(zone), true);
  return found !== null && Temporal.Instant.compare(found.toInstant(), target.toInstant()) === 0;
}

/**
 * Expands a schedule into the occurrences that overlap `window` (`start < to && end > from`), in the
 * series' own time zone, sorted by start. Follows RFC 5545: local times are kept across DST changes;
 * a generated local time inside a DST gap is skipped and not counted (§3.3.10); a repeated local time
 * gives one occurrence, the first; EXDATE removes and RDATE adds; overrides move or cancel single
 * occurrences (a moved occurrence appears where it was moved to). Instances keep the series' exact
 * duration (RFC 5545 §3.8.5.3). The result never depends on the process `TZ`.
 * All-day windows are compared by date in `viewerTimeZone` (default UTC).
 * @throws ScheduleError when the schedule or window is invalid, or the window holds more than {@link MAX_OCCURRENCES}
 */
export function expandOccurrences(schedule: Schedule, window: Window, viewerTimeZone = 'UTC'): Occurrence[] {
  // Overrides are checked when stored (decide); expansion only needs them well-formed.
  const problems = validateSchedule(schedule, { checkOverrides: false });
  const from = parseInstant(window.from);
  const to = parseInstant(window.to);
  if (!from) problems.push({ field: 'from', message: 'must be an RFC 3339 instant' });
  if (!to) problems.push({ field: 'to', message: 'must be an RFC 3339 instant' });
  if (from && to && Temporal.Instant.compare(to, from) <= 0)
    problems.push({ field: 'to', message: 'must be after from' });
  if (!isValidTimeZone(viewerTimeZone))
    problems.push({ field: 'viewerTimeZone', message: 'must be an IANA time zone name' });
  if (problems.length > 0) throw new ScheduleError(problems);
  const allDay = schedule.allDay === true;
  const { rule, dtstart, zone } = toRule(schedule);
  const start = parsePoint(schedule.start, allDay)!;
  const end = parsePoint(schedule.end, allDay)!;
  // Window bounds in the expansion's frame: instants for timed series, floating dates for all-day.
  const lo = allDay
    ? zoned(from!.toZonedDateTimeISO(viewerTimeZone).toPlainDate().toPlainDateTime(), zone)
    : from!.toZonedDateTimeISO(zone);
  const hi = allDay
    ? zoned(
        to!
          .subtract({ nanoseconds: 1 })
          .toZonedDateTimeISO(viewerTimeZone)
          .toPlainDate()
          .add({ days: 1 })
          .toPlainDateTime(),
        zone,
      )
    : to!.toZonedDateTimeISO(zone);
  const duration = allDay
    ? start.until(end, { largestUnit: 'days' })
    : zoned(start, zone).until(zoned(end, zone), { largestUnit: 'hours' });
  // From here on plain epoch milliseconds: the polyfill's objects cost microseconds per operation.
  // Instances keep the series' exact duration; all-day series live in UTC, where days are exact too.
  const durationMs = duration.total({ unit: 'milliseconds', relativeTo: zoned(start, zone) });
  const loMs = lo.epochMilliseconds;
  const hiMs = hi.epochMilliseconds;
  const iso = (ms: number) => new Date(ms).toISOString();
  const idAt = (z: Temporal.ZonedDateTime) =>
    allDay ? iso(z.epochMilliseconds).slice(0, 10) : iso(z.epochMilliseconds + z.offsetNanoseconds / 1e6).slice(0, 19);
  const overrides = new Map(
    (schedule.overrides ?? []).map((o) => [idAt(zoned(parsePoint(o.recurrenceId, allDay)!, zone)), o]),
  );

  const starts: Temporal.ZonedDateTime[] = [];
  if (!rule) {
    if (!(schedule.exdates ?? []).some((x) => zoned(parsePoint(x, allDay)!, zone).equals(dtstart)))
      starts.push(dtstart);
  } else {
    // An occurrence starting up to one duration before the window still overlaps it.
    const searchFrom = allDay ? lo.subtract({ days: duration.days }) : lo.subtract(duration);
    let found: ReturnType<RRuleTemporal['between']>;
    try {
      found = rule.between(searchFrom, hi, true);
    } catch (error) {
      // The library's safety caps (iterations, candidate evaluations) stop runaway rules.
      throw new ScheduleError([
        { field: 'to', message: `the window is too large for this rule: ${(error as Error).message}` },
      ]);
    }
    if (found.length > MAX_OCCURRENCES)
      throw new ScheduleError([{ field: 'to', message: `the window holds more than ${MAX_OCCURRENCES} occurrences` }]);
    starts.push(...found);
  }
  const out: { at: number; occurrence: Occurrence }[] = [];
  const text = (ms: number) => (allDay ? iso(ms).slice(0, 10) : iso(ms).replace('.000Z', 'Z'));
  const emit = (
    recurrenceId: string,
    sMs: number,
    eMs: number,
    overridden: boolean,
    own: { readonly title?: string; readonly description?: string; readonly location?: string } = {},
  ) => {
    if (!(sMs < hiMs && eMs > loMs)) return;
    const occurrence: Occurrence = { recurrenceId, start: text(sMs), end: text(eMs), allDay, overridden };
    const texts = Object.fromEntries(OVERRIDE_TEXTS.flatMap(([k]) => (own[k] === undefined ? [] : [[k, own[k]]])));
    out.push({ at: sMs, occurrence: { ...occurrence, ...texts } });
  };
  for (const z of starts) {
    const id = idAt(z);
    if (!overrides.has(id)) emit(id, z.epochMilliseconds, z.epochMilliseconds + durationMs, false);
  }
  // Moved occurrences appear at their new time, wherever their original time was.
  for (const [id, o] of overrides) {
    if (!('start' in o)) continue;
    const excluded = (schedule.exdates ?? []).some((x) => idAt(zoned(parsePoint(x, allDay)!, zone)) === id);
    if (!excluded)
      emit(
        id,
        zoned(parsePoint(o.start, allDay)!, zone).epochMilliseconds,
        zoned(parsePoint(o.end, allDay)!, zone).epochMilliseconds,
        true,
        o,
      );
  }
  out.sort((a, b) => a.at - b.at || a.occurrence.recurrenceId.localeCompare(b.occurrence.recurrenceId));
  return out.map((o) => o.occurrence);
}

/**
 * The first occurrence start of the series strictly after `after` (a UTC instant), ignoring
 * overrides; null when the series has ended. Used to place the next instance of a recurring task.
 * Returns a UTC instant, or a date for all-day series.
 * @throws ScheduleError when the schedule is invalid
 */
export function nextOccurrenceStart(schedule: Schedule, after: string): string | null {
  const problems = validateSchedule({ ...schedule, overrides: [] });
  const instant = parseInstant(after);
  if (!instant) problems.push({ field: 'after', message: 'must be an RFC 3339 instant' });
  if (problems.length > 0) throw new ScheduleError(problems);
  const allDay = schedule.allDay === true;
  const { rule, dtstart, zone } = toRule({ ...schedule, overrides: [] });
  const found = rule
    ? rule.next(instant!.toZonedDateTimeISO(zone), false)
    : Temporal.Instant.compare(dtstart.toInstant(), instant!) > 0
      ? dtstart
      : null;
  if (!found) return null;
  const z = found;
  return allDay ? z.toPlainDate().toString() : formatInstant(z.toInstant());
}
