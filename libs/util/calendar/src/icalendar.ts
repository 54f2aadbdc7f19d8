import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ICAL from 'ical.js';
import { ICalAlarm, ICalCalendar, type ICalEvent, ICalEventStatus } from 'ical-generator';
import {
  type FieldProblem,
  formatLocal,
  isValidTimeZone,
  parseDate,
  parseInstant,
  parseLocalDateTime,
  Temporal,
  zoned,
} from './local-time.js';
import { OVERRIDE_TEXTS, type OccurrenceOverride, type Schedule, validateSchedule } from './recurrence.js';
import { type Reminder, validateReminders } from './reminders.js';

/** One event (a series with its overrides) to write as VEVENTs. */
export interface ICalendarEvent {
  /** The UID (RFC 5545 §3.8.4.7), stable across exports: the event id is a good one. */
  readonly uid: string;
  readonly title: string;
  readonly description?: string | null;
  readonly location?: string | null;
  readonly schedule: Schedule;
  /** SEQUENCE: the revision (the aggregate version works). */
  readonly sequence?: number;
  /** LAST-MODIFIED and DTSTAMP, a UTC instant. */
  readonly updatedAt: string;
  /**
   * The series' alarms as reminders (read by {@link fromICalendar} from its VALARMs' TRIGGERs); absent
   * when the VEVENT has no VALARM (the importer may then apply its defaults). {@link toICalendar} writes
   * each as a VALARM (see {@link reminderToVAlarm}).
   */
  readonly reminders?: readonly Reminder[];
}

/** Most reminders one imported event keeps (as many as an event may have). */
export const MAX_IMPORT_REMINDERS = 10;

/** What {@link fromICalendar} read, plus what it could not (`problems`, by `events/<i>/<field>`). */
export interface ICalendarImport {
  readonly events: ICalendarEvent[];
  readonly problems: FieldProblem[];
}

/** Most VEVENTs one import accepts. */
export const MAX_IMPORT_EVENTS = 5000;

const compact = (local: string) => local.replace(/[-:]/g, '');

/** EXDATE/RDATE lines in the series' zone (timed) or as dates (all-day), RFC 5545 §3.8.5.1–2. */
function dateListLine(name: 'EXDATE' | 'RDATE', values: readonly string[], schedule: Schedule): string | undefined {
  if (values.length === 0) return undefined;
  if (schedule.allDay) return `${name};VALUE=DATE:${values.map((v) => compact(parseDate(v)!.toString())).join(',')}`;
  return `${name};TZID=${schedule.timeZone}:${values.map((v) => compact(formatLocal(parseLocalDateTime(v)!))).join(',')}`;
}

/**
 * One VALARM written as ical.js serialises it. ical-generator's own alarm takes a trigger in seconds
 * and would write `-PT24H` as `-P1D` (nominal days, RFC 5545 §3.3.6: not the same instant across a
 * DST change) and `-P1W` as `-P7D`; this keeps the stored duration exactly. ical-generator places it
 * inside its VEVENT (it calls `toString()` of each alarm).
 */
class ExactAlarm extends ICalAlarm {
  constructor(
    event: ICalEvent,
    private readonly text: string,
  ) {
    super({}, event);
  }

  override toString(): string {
    return `${this.text}\r\n`;
  }
}

/**
 * A reminder as a VALARM (RFC 5545 §3.6.6): `ACTION:DISPLAY` with the `DESCRIPTION` that §3.6.6
 * requires for it (`description`: the event's title), and a TRIGGER — a relative `{ offset }` as the
 * stored duration, related to the start (the default, §3.8.6.3: `-PT15M`, `-P1D` nominal), an
 * absolute `{ at }` as `TRIGGER;VALUE=DATE-TIME:<UTC>`. What {@link fromICalendar} reads back.
 * @throws RangeError when the reminder is malformed (validate before storing)
 */
export function reminderToVAlarm(reminder: Reminder, description: string): string {
  const alarm = new ICAL.Component('valarm');
  alarm.addPropertyWithValue('action', 'DISPLAY');
  const trigger = new ICAL.Property('trigger');
  if ('at' in reminder) {
    const at = parseInstant(reminder.at);
    if (!at) throw new RangeError(`Invalid reminder instant ${String(reminder.at)}`);
    trigger.resetType('date-time');
    trigger.setValue(ICAL.Time.fromDateTimeString(at.toString({ smallestUnit: 'second' })));
  } else {
    if (validateReminders([reminder]).length > 0) throw new RangeError(`Invalid reminder offset ${reminder.offset}`);
    trigger.setValue(ICAL.Duration.fromString(reminder.offset));
  }
  alarm.addProperty(trigger);
  alarm.addPropertyWithValue('description', description.trim().length > 0 ? description : 'Reminder');
  return alarm.toString();
}

/**
 * Writes a VCALENDAR (RFC 5545) with one VEVENT per series and one per moved occurrence (same UID,
 * RECURRENCE-ID), a VTIMEZONE for every zone used, RRULE/EXDATE/RDATE as stored. Cancelled occurrences
 * are written as EXDATE (what every client understands). All-day events are DATE values without zone.
 * A series with RDATEs but no RRULE is written with `RRULE:FREQ=DAILY;COUNT=1` (DTSTART alone), which
 * generates the same set. Reminders become VALARMs ({@link reminderToVAlarm}): every one in the series'
 * VEVENT; the relative ones also in each moved occurrence's VEVENT, which replaces that instance for a
 * client (RFC 5545 §3.8.4.4) and so needs its own alarms — as the reminder engine fires them at the
 * moved time. An absolute `{ at }` fires once, so it is written only on the series.
 * @throws Error when an event's schedule is invalid (validate before storing)
 */
export function toICalendar(calendar: { readonly name: string; readonly events: readonly ICalendarEvent[] }): string {
  const cal = new ICalCalendar({
    name: calendar.name,
    prodId: { company: 'Archipelago', product: 'scheduling', language: 'EN' },
  });
  cal.timezone({ name: null, generator: getVtimezoneComponent });
  for (const event of calendar.events) {
    const s = event.schedule;
    const problems = validateSchedule(s);
    if (problems.length > 0)
      throw new Error(
        `Event ${event.uid} has an invalid schedule: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      );
    const point = (value: string) => (s.allDay ? parseDate(value)! : zoned(parseLocalDateTime(value)!, s.timeZone));
    const stamp = Temporal.Instant.from(event.updatedAt).toZonedDateTimeISO('UTC');
    const cancelled = (s.overrides ?? []).filter((o) => !('start' in o)).map((o) => o.recurrenceId);
    const lines = [
      s.rrule ? `RRULE:${s.rrule}` : (s.rdates ?? []).length > 0 ? 'RRULE:FREQ=DAILY;COUNT=1' : undefined,
      dateListLine('EXDATE', [...(s.exdates ?? []), ...cancelled], s),
      dateListLine('RDATE', s.rdates ?? [], s),
    ].filter((l): l is string => l !== undefined);
    const base = {
      id: event.uid,
      summary: event.title,
      description: event.description ?? null,
      location: event.location ?? null,
      sequence: event.sequence ?? 0,
      stamp,
      lastModified: stamp,
      allDay: s.allDay,
      timezone: s.allDay ? null : s.timeZone,
    };
    const reminders = event.reminders ?? [];
    const series = cal.createEvent({
      ...base,
      start: point(s.start),
      end: point(s.end),
      repeating: lines.length > 0 ? lines.join('\n') : null,
    });
    for (const r of reminders) series.createAlarm(new ExactAlarm(series, reminderToVAlarm(r, event.title)));
    for (const o of s.overrides ?? []) {
      if (!('start' in o)) continue;
      const moved = cal.createEvent({
        ...base,
        summary: o.title ?? event.title,
        description: o.description ?? base.description,
        location: o.location ?? base.location,
        start: point(o.start),
        end: point(o.end),
        recurrenceId: point(o.recurrenceId),
        status: ICalEventStatus.CONFIRMED,
      });
      for (const r of reminders)
        if ('offset' in r) moved.createAlarm(new ExactAlarm(moved, reminderToVAlarm(r, o.title ?? event.title)));
    }
  }
  return cal.toString();
}

type Zone = { kind: 'iana'; zone: string } | { kind: 'utc' } | { kind: 'floating' } | { kind: 'other'; tzid: string };

function zoneOf(prop: ICAL.Property): Zone {
  const tzid = prop.getParameter('tzid');
  const value = prop.getFirstValue() as ICAL.Time;
  if (typeof tzid === 'string' && tzid.length > 0)
    return isValidTimeZone(tzid) ? { kind: 'iana', zone: tzid } : { kind: 'other', tzid };
  if (value.zone === ICAL.Timezone.utcTimezone) return { kind: 'utc' };
  return { kind: 'floating' };
}

/** An ICAL.Time of a property as a local value of `target` (the series' zone), or a date. */
function localIn(time: ICAL.Time, zone: Zone, target: string, floatingZone: string): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`;
  if (time.isDate) return date;
  const wall = Temporal.PlainDateTime.from(
    `${date}T${pad(time.hour)}:${pad(time.minute)}:${pad(time.second === 60 ? 59 : time.second)}`,
  );
  let instant: Temporal.Instant;
  if (zone.kind === 'iana') instant = zoned(wall, zone.zone).toInstant();
  else if (zone.kind === 'floating') instant = zoned(wall, floatingZone).toInstant();
  // UTC, or a TZID that is no IANA name: ical.js resolves it with the VTIMEZONE registered from the file.
  else instant = Temporal.Instant.fromEpochMilliseconds(time.toUnixTime() * 1000);
  return formatLocal(instant.toZonedDateTimeISO(target).toPlainDateTime());
}

function seriesZone(zone: Zone, floatingZone: string): string {
  if (zone.kind === 'iana') return zone.zone;
  if (zone.kind === 'floating') return floatingZone;
  return 'UTC';
}

/**
 * Reads a VCALENDAR (RFC 5545) into series: VTIMEZONEs are registered with ical.js first (so TZIDs
 * that are not IANA names, e.g. Outlook's `W. Europe Standard Time`, resolve to the right instants;
 * such series are kept in UTC and reported in `problems`), then each VEVENT without RECURRENCE-ID
 * becomes a series (RRULE, EXDATE, RDATE kept, times local to its TZID) and each VEVENT with one
 * becomes an override of its series (moved, with its own SUMMARY when it differs from the series', or
 * cancelled when STATUS:CANCELLED). Floating date-times
 * are read in `floatingZone`. VEVENTs that cannot be read are skipped and reported; nothing throws
 * for bad input except a text that is not iCalendar at all.
 * @throws Error when the text does not parse as iCalendar or holds more than {@link MAX_IMPORT_EVENTS} VEVENTs
 */
export function fromICalendar(
  text: string,
  options: { readonly floatingZone?: string; readonly now: string },
): ICalendarImport {
  const floatingZone = options.floatingZone ?? 'UTC';
  const root = new ICAL.Component(ICAL.parse(text));
  const calendar = root.name === 'vcalendar' ? root : root.getFirstSubcomponent('vcalendar');
  if (!calendar) throw new Error('Not an iCalendar file: no VCALENDAR');
  const vevents = calendar.getAllSubcomponents('vevent');
  if (vevents.length > MAX_IMPORT_EVENTS) throw new Error(`At most ${MAX_IMPORT_EVENTS} VEVENTs per import`);
  const registered: string[] = [];
  for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
    const tzid = vtimezone.getFirstPropertyValue('tzid');
    if (typeof tzid === 'string' && !ICAL.TimezoneService.has(tzid)) {
      ICAL.TimezoneService.register(vtimezone);
      registered.push(tzid);
    }
  }
  try {
    const problems: FieldProblem[] = [];
    const masters = new Map<string, { index: number; event: ICalendarEvent; overrides: OccurrenceOverride[] }>();
    const overrideEvents: { index: number; vevent: ICAL.Component }[] = [];
    vevents.forEach((vevent, index) => {
      if (vevent.hasProperty('recurrence-id')) overrideEvents.push({ index, vevent });
      else {
        const read = readMaster(vevent, index, floatingZone, options.now, problems);
        if (read) masters.set(read.uid, { index, event: read, overrides: [] });
      }
    });
    for (const { index, vevent } of overrideEvents) {
      const uid = String(vevent.getFirstPropertyValue('uid') ?? '');
      const master = masters.get(uid);
      if (!master) {
        problems.push({
          field: `events/${index}/recurrenceId`,
          message: `overrides an occurrence of ${uid || 'an event'} that is not in the file`,
        });
        continue;
      }
      const s = master.event.schedule;
      const ridProp = vevent.getFirstProperty('recurrence-id')!;
      const recurrenceId = localIn(ridProp.getFirstValue() as ICAL.Time, zoneOf(ridProp), s.timeZone, floatingZone);
      if (String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') {
        master.overrides.push({ recurrenceId, cancelled: true });
        continue;
      }
      const startProp = vevent.getFirstProperty('dtstart');
      if (!startProp) {
        problems.push({ field: `events/${index}/start`, message: 'an override needs DTSTART' });
        continue;
      }
      const start = localIn(startProp.getFirstValue() as ICAL.Time, zoneOf(startProp), s.timeZone, floatingZone);
      const end = endOf(vevent, startProp, s.timeZone, floatingZone);
      if (!end) {
        problems.push({ field: `events/${index}/end`, message: 'an override needs DTEND or DURATION' });
        continue;
      }
      // The override's own texts: those that differ from the series' (absent: the series' apply).
      const own: Record<string, string> = {};
      const series = master.event as unknown as Record<string, unknown>;
      for (const [key, max] of OVERRIDE_TEXTS) {
        const raw = vevent.getFirstPropertyValue(key === 'title' ? 'summary' : key);
        const value = typeof raw === 'string' ? (key === 'title' ? raw.trim() : raw).slice(0, max) : '';
        if (value.trim().length > 0 && value !== (series[key] ?? null)) own[key] = value;
      }
      master.overrides.push({ recurrenceId, start, end, ...own });
    }
    const events: ICalendarEvent[] = [];
    for (const { index, event, overrides } of masters.values()) {
      const schedule: Schedule = { ...event.schedule, overrides };
      const found = validateSchedule(schedule);
      if (found.length > 0) {
        problems.push(...found.map((p) => ({ field: `events/${index}/${p.field}`, message: p.message })));
        continue;
      }
      events.push({ ...event, schedule });
    }
    return { events, problems };
  } finally {
    for (const tzid of registered) ICAL.TimezoneService.remove(tzid);
  }
}

function endOf(
  vevent: ICAL.Component,
  startProp: ICAL.Property,
  target: string,
  floatingZone: string,
): string | undefined {
  const endProp = vevent.getFirstProperty('dtend');
  if (endProp) return localIn(endProp.getFirstValue() as ICAL.Time, zoneOf(endProp), target, floatingZone);
  const start = (startProp.getFirstValue() as ICAL.Time).clone();
  const duration = vevent.getFirstPropertyValue('duration');
  if (duration instanceof ICAL.Duration) start.addDuration(duration);
  else if (start.isDate)
    start.day += 1; // RFC 5545 §3.6.1: an all-day VEVENT without DTEND lasts one day
  else return undefined;
  return localIn(start, zoneOf(startProp), target, floatingZone);
}

function readMaster(
  vevent: ICAL.Component,
  index: number,
  floatingZone: string,
  now: string,
  problems: FieldProblem[],
): ICalendarEvent | undefined {
  const field = (name: string) => `events/${index}/${name}`;
  const uid = vevent.getFirstPropertyValue('uid');
  const startProp = vevent.getFirstProperty('dtstart');
  if (typeof uid !== 'string' || uid.length === 0 || uid.length > 255) {
    problems.push({ field: field('uid'), message: 'a VEVENT needs a UID of 1..255 characters' });
    return undefined;
  }
  if (!startProp) {
    problems.push({ field: field('start'), message: 'a VEVENT needs DTSTART' });
    return undefined;
  }
  const zone = zoneOf(startProp);
  if (zone.kind === 'other')
    problems.push({
      field: field('timeZone'),
      message: `TZID ${zone.tzid} is not an IANA zone: times were converted with its VTIMEZONE and the series is kept in UTC`,
    });
  const timeZone = seriesZone(zone, floatingZone);
  const startTime = startProp.getFirstValue() as ICAL.Time;
  const start = localIn(startTime, zone, timeZone, floatingZone);
  const end = endOf(vevent, startProp, timeZone, floatingZone);
  if (!end) {
    problems.push({ field: field('end'), message: 'a timed VEVENT needs DTEND or DURATION' });
    return undefined;
  }
  const dates = (name: 'exdate' | 'rdate') =>
    vevent.getAllProperties(name).flatMap((p) =>
      p
        .getValues()
        .filter((v): v is ICAL.Time => v instanceof ICAL.Time)
        .map((t) => localIn(t, zoneOf(p), timeZone, floatingZone)),
    );
  const rrules = vevent.getAllProperties('rrule');
  if (rrules.length > 1)
    problems.push({ field: field('rrule'), message: 'more than one RRULE: only the first is kept' });
  const rrule = rrules[0] ? String(rrules[0].getFirstValue()) : null;
  const updated = vevent.getFirstPropertyValue('last-modified') ?? vevent.getFirstPropertyValue('dtstamp');
  const updatedAt =
    updated instanceof ICAL.Time ? Temporal.Instant.fromEpochMilliseconds(updated.toUnixTime() * 1000).toString() : now;
  const text = (name: string) => {
    const value = vevent.getFirstPropertyValue(name);
    return typeof value === 'string' ? value : null;
  };
  const reminders = readAlarms(vevent, field, problems);
  return {
    uid,
    ...(reminders && { reminders }),
    title: text('summary') ?? '',
    description: text('description'),
    location: text('location'),
    sequence: Number(vevent.getFirstPropertyValue('sequence') ?? 0) || 0,
    updatedAt: parseInstant(updatedAt) ? updatedAt : now,
    schedule: {
      timeZone,
      allDay: startTime.isDate,
      start,
      end,
      rrule,
      exdates: dates('exdate'),
      rdates: dates('rdate'),
      overrides: [],
    },
  };
}

/**
 * The VALARMs of a VEVENT as reminders (RFC 5545 §3.6.6, §3.8.6.3): a TRIGGER duration relative to
 * the start (`-PT15M` → `{ offset: '-PT15M' }`, days and weeks stay nominal), or an absolute
 * `VALUE=DATE-TIME` (UTC) → `{ at }`. A trigger RELATED=END, a malformed one, one more than a year away,
 * and those past the first {@link MAX_IMPORT_REMINDERS} are skipped and reported (`events/<i>/reminders/<j>`).
 * Identical reminders are kept once (clients often write one VALARM per ACTION).
 * @returns undefined when the VEVENT has no VALARM; else the reminders read (possibly none)
 */
function readAlarms(
  vevent: ICAL.Component,
  field: (name: string) => string,
  problems: FieldProblem[],
): Reminder[] | undefined {
  const alarms = vevent.getAllSubcomponents('valarm');
  if (alarms.length === 0) return undefined;
  const reminders: Reminder[] = [];
  alarms.forEach((alarm, j) => {
    const skip = (message: string) => problems.push({ field: field(`reminders/${j}`), message });
    const trigger = alarm.getFirstProperty('trigger');
    const value = trigger?.getFirstValue();
    let reminder: Reminder;
    if (value instanceof ICAL.Duration) {
      if (String(trigger!.getParameter('related') ?? 'START').toUpperCase() === 'END')
        return skip('a TRIGGER related to the end is not imported (reminders count from the start)');
      reminder = { offset: value.toString() };
    } else if (value instanceof ICAL.Time && !value.isDate)
      reminder = { at: Temporal.Instant.fromEpochMilliseconds(value.toUnixTime() * 1000).toString() };
    else return skip('a VALARM needs a TRIGGER duration or UTC date-time');
    if (validateReminders([reminder]).length > 0)
      return skip(`TRIGGER ${String(value)} is not a reminder this calendar keeps (at most a year away)`);
    if (reminders.some((r) => JSON.stringify(r) === JSON.stringify(reminder))) return;
    if (reminders.length >= MAX_IMPORT_REMINDERS) return skip(`at most ${MAX_IMPORT_REMINDERS} reminders per event`);
    reminders.push(reminder);
  });
  return reminders;
}
