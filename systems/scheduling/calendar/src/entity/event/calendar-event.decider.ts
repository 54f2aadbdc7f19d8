import {
  type FieldProblem,
  formatLocal,
  OVERRIDE_TEXTS,
  type OccurrenceOverride,
  parseDate,
  parseInstant,
  parseLocalDateTime,
  type Reminder,
  type Schedule,
  validateReminders,
  validateSchedule,
} from '@archipelago/util-calendar';
import type { Decider } from '@archipelago/util-decider';
import { EventAlreadyExistsError, EventNotFoundError, EventValidationError } from './calendar-event.errors.js';
import type { CalendarEventEvent, EventFields } from './calendar-event.events.js';

/** What the use case looked up: which of the attendees given are not members of the workspace. */
export interface EventLookups {
  readonly nonMemberAttendees?: readonly string[];
}

type Cmd<Type extends string, Data> = {
  readonly type: Type;
  readonly data: Data & { readonly eventId: string; readonly now: string };
};

/** Commands of the CalendarEvent aggregate; `input`/`patch` are request bodies, validated here by field. */
export type CalendarEventCommand =
  | Cmd<
      'CreateEvent',
      { readonly input: Readonly<Record<string, unknown>>; readonly createdBy: string; readonly lookups?: EventLookups }
    >
  | Cmd<'UpdateEvent', { readonly patch: Readonly<Record<string, unknown>>; readonly lookups?: EventLookups }>
  | Cmd<'CancelOccurrence', { readonly recurrenceId: unknown }>
  | Cmd<
      'MoveOccurrence',
      {
        readonly recurrenceId: unknown;
        readonly start: unknown;
        readonly end: unknown;
        readonly title?: unknown;
        readonly description?: unknown;
        readonly location?: unknown;
      }
    >
  | Cmd<'DeleteEvent', object>;

export type CalendarEventState =
  | { readonly kind: 'absent'; readonly version: 0 }
  | { readonly kind: 'deleted'; readonly eventId: string; readonly version: number }
  | { readonly kind: 'live'; readonly eventId: string; readonly fields: EventFields; readonly version: number };

export const EVENT_LIMITS = {
  title: 500,
  description: 10_000,
  location: 500,
  attendees: 100,
  dates: 1000,
  overrides: 1000,
} as const;
const TIMING = ['timeZone', 'allDay', 'start', 'end', 'rrule'] as const;
const EDITABLE = new Set([
  'title',
  'description',
  'location',
  'timeZone',
  'allDay',
  'start',
  'end',
  'rrule',
  'exdates',
  'rdates',
  'attendees',
  'reminders',
]);

/** The util-calendar schedule of an event's fields. */
export function scheduleOfEvent(fields: EventFields): Schedule {
  const { timeZone, allDay, start, end, rrule, exdates, rdates, overrides } = fields;
  return { timeZone, allDay, start, end, rrule, exdates, rdates, overrides };
}

/** Local values in one spelling (`…T09:00:00`, or a date), so equal times compare equal. */
function canonical(value: string, allDay: boolean): string {
  if (allDay) return parseDate(value)?.toString() ?? value;
  const local = parseLocalDateTime(value);
  return local ? formatLocal(local) : value;
}

function text(
  input: Readonly<Record<string, unknown>>,
  key: string,
  max: number,
  nullable: boolean,
  problems: FieldProblem[],
): string | null | undefined {
  if (!Object.hasOwn(input, key) || input[key] === undefined) return undefined;
  const v = input[key];
  if (v === null && nullable) return null;
  if (typeof v !== 'string' || v.length > max || (!nullable && v.trim().length === 0)) {
    problems.push({
      field: key,
      message: `must be ${nullable ? '' : 'a non-empty '}string of at most ${max} characters${nullable ? ', or null' : ''}`,
    });
    return undefined;
  }
  return nullable ? v : v.trim();
}

function list(
  input: Readonly<Record<string, unknown>>,
  key: string,
  max: number,
  problems: FieldProblem[],
): string[] | undefined {
  if (!Object.hasOwn(input, key) || input[key] === undefined) return undefined;
  const v = input[key];
  if (v === null) return [];
  if (!Array.isArray(v) || v.length > max || v.some((x) => typeof x !== 'string')) {
    problems.push({ field: key, message: `must be a list of at most ${max} strings` });
    return undefined;
  }
  return [...new Set(v as string[])];
}

/** Merges `input` over `current` field by field (RFC 7396), validating each; the schedule as a whole. */
function normalize(
  input: Readonly<Record<string, unknown>>,
  current: EventFields,
  lookups: EventLookups | undefined,
  problems: FieldProblem[],
): EventFields {
  for (const key of Object.keys(input))
    if (!EDITABLE.has(key))
      problems.push({ field: key, message: key === 'workspaceId' ? 'cannot change' : 'is not an event field' });
  const title = text(input, 'title', EVENT_LIMITS.title, false, problems) ?? current.title;
  const description = text(input, 'description', EVENT_LIMITS.description, true, problems);
  const location = text(input, 'location', EVENT_LIMITS.location, true, problems);
  const allDayIn = input.allDay;
  if (allDayIn !== undefined && typeof allDayIn !== 'boolean')
    problems.push({ field: 'allDay', message: 'must be true or false' });
  const allDay = typeof allDayIn === 'boolean' ? allDayIn : current.allDay;
  const str = (key: string, fallback: string) =>
    typeof input[key] === 'string'
      ? (input[key] as string)
      : input[key] === undefined
        ? fallback
        : (problems.push({ field: key, message: 'must be a string' }), fallback);
  const timeZone = str('timeZone', current.timeZone);
  const start = canonical(str('start', current.start), allDay);
  const end = canonical(str('end', current.end), allDay);
  let rrule = current.rrule;
  if (input.rrule === null) rrule = null;
  else if (input.rrule !== undefined) rrule = str('rrule', current.rrule ?? '');
  const exdates = (list(input, 'exdates', EVENT_LIMITS.dates, problems) ?? current.exdates).map((d) =>
    canonical(d, allDay),
  );
  const rdates = (list(input, 'rdates', EVENT_LIMITS.dates, problems) ?? current.rdates).map((d) =>
    canonical(d, allDay),
  );
  const attendees = list(input, 'attendees', EVENT_LIMITS.attendees, problems) ?? current.attendees;
  if (input.attendees !== undefined) {
    const outsiders = new Set(lookups?.nonMemberAttendees ?? []);
    attendees.forEach((a, i) => {
      if (outsiders.has(a)) problems.push({ field: `attendees/${i}`, message: 'is not a member of the workspace' });
    });
  }
  let reminders = current.reminders;
  if (input.reminders !== undefined) {
    const found = validateReminders(input.reminders);
    problems.push(...found);
    if (found.length === 0) reminders = (input.reminders ?? []) as readonly Reminder[];
  }
  // Compared after normalizing, so `09:00` and `09:00:00` are the same start.
  const timing = { timeZone, allDay, start, end, rrule };
  const timingChanged = TIMING.some((k) => JSON.stringify(timing[k]) !== JSON.stringify(current[k]));
  const overrides = timingChanged ? [] : current.overrides;
  const fields: EventFields = {
    workspaceId: current.workspaceId,
    title,
    description: description === undefined ? current.description : description,
    location: location === undefined ? current.location : location,
    timeZone,
    allDay,
    start,
    end,
    rrule,
    exdates,
    rdates,
    overrides,
    attendees,
    reminders,
  };
  if (!problems.some((p) => ['timeZone', 'allDay', 'start', 'end', 'rrule'].includes(p.field)))
    problems.push(...validateSchedule(scheduleOfEvent(fields)));
  return fields;
}

const EMPTY: EventFields = {
  workspaceId: '',
  title: '',
  description: null,
  location: null,
  timeZone: '',
  allDay: false,
  start: '',
  end: '',
  rrule: null,
  exdates: [],
  rdates: [],
  overrides: [],
  attendees: [],
  reminders: [],
};

/**
 * A RECURRENCE-ID as given by a client: the occurrence's original local start in the event's zone
 * (`2026-03-30T09:00:00`, or a date when all-day), or the UTC instant of that original start
 * (`2026-03-30T07:00:00Z`, as `GET …/occurrences` lists it), turned into the local value.
 */
export function recurrenceIdOf(value: unknown, fields: Pick<EventFields, 'allDay' | 'timeZone'>): string {
  const instant = fields.allDay ? undefined : parseInstant(value);
  if (instant) return formatLocal(instant.toZonedDateTimeISO(fields.timeZone).toPlainDateTime());
  return canonical(String(value), fields.allDay);
}

function occurrenceProblems(fields: EventFields, override: OccurrenceOverride): FieldProblem[] {
  return validateSchedule({ ...scheduleOfEvent(fields), overrides: [override] }).map((p) => ({
    field: p.field.replace(/^overrides\/0\//, ''),
    message: p.message,
  }));
}

/**
 * Decides a CalendarEvent command:
 * - CreateEvent: `workspaceId`, `title`, `start`, `end`, `timeZone` required; the schedule is checked as
 *   a whole (util-calendar `validateSchedule`: zone, end after start, RRULE per RFC 5545, COUNT with
 *   UNTIL refused) → EventCreated.
 * - UpdateEvent: a JSON merge patch; only changed fields are recorded; changing the timing (start, end,
 *   zone, all-day, RRULE) drops single-occurrence overrides → EventUpdated, or nothing.
 * - CancelOccurrence / MoveOccurrence: the RECURRENCE-ID (local, or the UTC instant of the original
 *   start) must be an occurrence of the series; a move may give the occurrence its own title, description
 *   and location (SUMMARY, DESCRIPTION, LOCATION of its override); a repeat of
 *   the same cancel or move decides nothing; a move replaces an earlier move or cancel of that occurrence.
 * - DeleteEvent → EventDeleted; later commands get EventNotFoundError.
 * @throws EventValidationError, EventNotFoundError, EventAlreadyExistsError
 */
export function decideCalendarEvent(command: CalendarEventCommand, state: CalendarEventState): CalendarEventEvent[] {
  const { eventId, now: at } = command.data;
  if (!parseInstant(at)) throw new RangeError(`now must be an RFC 3339 instant, got ${at}`);
  if (command.type === 'CreateEvent') {
    if (state.kind !== 'absent') throw new EventAlreadyExistsError(eventId);
    const { input, createdBy, lookups } = command.data;
    const problems: FieldProblem[] = [];
    const { workspaceId, ...rest } = input;
    if (typeof workspaceId !== 'string' || workspaceId.length === 0 || workspaceId.length > 64)
      problems.push({ field: 'workspaceId', message: 'is required' });
    for (const key of ['title', 'start', 'end', 'timeZone'] as const)
      if (input[key] === undefined) problems.push({ field: key, message: 'is required' });
    const inner: FieldProblem[] = [];
    const fields = normalize(rest, { ...EMPTY, workspaceId: String(workspaceId ?? '') }, lookups, inner);
    problems.push(...inner.filter((p) => !problems.some((q) => q.field === p.field)));
    if (problems.length > 0) throw new EventValidationError(problems);
    return [{ type: 'EventCreated', data: { eventId, ...fields, createdBy, at } }];
  }
  if (state.kind !== 'live') throw new EventNotFoundError(eventId);
  const current = state.fields;
  switch (command.type) {
    case 'UpdateEvent': {
      const problems: FieldProblem[] = [];
      const fields = normalize(command.data.patch, current, command.data.lookups, problems);
      if (problems.length > 0) throw new EventValidationError(problems);
      const changes: Record<string, unknown> = {};
      for (const key of Object.keys(fields) as (keyof EventFields)[])
        if (JSON.stringify(fields[key]) !== JSON.stringify(current[key])) changes[key] = fields[key];
      return Object.keys(changes).length === 0 ? [] : [{ type: 'EventUpdated', data: { eventId, changes, at } }];
    }
    case 'CancelOccurrence': {
      const recurrenceId = recurrenceIdOf(command.data.recurrenceId, current);
      const problems = occurrenceProblems(current, { recurrenceId, cancelled: true });
      if (problems.length > 0) throw new EventValidationError(problems);
      const existing = current.overrides.find((o) => o.recurrenceId === recurrenceId);
      if (existing && !('start' in existing)) return [];
      return [{ type: 'OccurrenceCancelled', data: { eventId, recurrenceId, at } }];
    }
    case 'MoveOccurrence': {
      const { allDay } = current;
      const recurrenceId = recurrenceIdOf(command.data.recurrenceId, current);
      const start = canonical(String(command.data.start), allDay);
      const end = canonical(String(command.data.end), allDay);
      // The occurrence's own texts: a string (a title trimmed), or absent (the series'); anything else is refused.
      const own: Record<string, string> = {};
      for (const [key] of OVERRIDE_TEXTS) {
        const raw = command.data[key];
        if (raw !== undefined) own[key] = typeof raw === 'string' ? (key === 'title' ? raw.trim() : raw) : '';
      }
      const override = { recurrenceId, start, end, ...own };
      const problems = occurrenceProblems(current, override);
      if (problems.length > 0) throw new EventValidationError(problems);
      const existing = current.overrides.find((o) => o.recurrenceId === recurrenceId);
      if (
        existing &&
        'start' in existing &&
        existing.start === start &&
        existing.end === end &&
        OVERRIDE_TEXTS.every(([key]) => existing[key] === own[key])
      )
        return [];
      return [{ type: 'OccurrenceMoved', data: { eventId, ...override, at } }];
    }
    case 'DeleteEvent':
      return [{ type: 'EventDeleted', data: { eventId, workspaceId: current.workspaceId, at } }];
  }
}

function withOverride(fields: EventFields, override: OccurrenceOverride): EventFields {
  return {
    ...fields,
    overrides: [...fields.overrides.filter((o) => o.recurrenceId !== override.recurrenceId), override],
  };
}

/** Folds one event into the state; the version counts the events. */
export function evolveCalendarEvent(state: CalendarEventState, event: CalendarEventEvent): CalendarEventState {
  const version = state.version + 1;
  if (event.type === 'EventCreated') {
    const { eventId, createdBy: _c, at: _a, ...fields } = event.data;
    return { kind: 'live', eventId, fields, version };
  }
  if (event.type === 'EventDeleted') return { kind: 'deleted', eventId: event.data.eventId, version };
  if (state.kind !== 'live') return state;
  switch (event.type) {
    case 'EventUpdated':
      return { ...state, fields: { ...state.fields, ...event.data.changes }, version };
    case 'OccurrenceCancelled':
      return {
        ...state,
        fields: withOverride(state.fields, { recurrenceId: event.data.recurrenceId, cancelled: true }),
        version,
      };
    case 'OccurrenceMoved': {
      const { eventId: _e, at: _a, ...override } = event.data;
      return { ...state, fields: withOverride(state.fields, override), version };
    }
  }
}

export const initialCalendarEventState = (): CalendarEventState => ({ kind: 'absent', version: 0 });

/** The CalendarEvent decider (emmett-style). */
export const calendarEventDecider: Decider<CalendarEventCommand, CalendarEventEvent, CalendarEventState> = {
  decide: decideCalendarEvent,
  evolve: evolveCalendarEvent,
  initialState: initialCalendarEventState,
};
