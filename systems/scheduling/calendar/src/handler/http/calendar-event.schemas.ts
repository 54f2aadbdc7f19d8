import { z } from 'zod';

// What the CalendarEvent decider refuses that JSON Schema can say, said in the documents so that a
// schema-valid body is refused only for reasons that depend on data (end after start in the event's
// zone, an RRULE's semantics, a zone name the runtime knows, attendees who are members). The decider
// still validates every field (400 by field); these schemas only document it, precisely. Character
// classes are ASCII ([0-9], not \d) so that the patterns mean the same to every regex engine.

/** A local date-time `YYYY-MM-DDTHH:mm[:ss]` or a date `YYYY-MM-DD` (util-calendar's formats). */
export const LOCAL_POINT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?$/;
/** An RFC 3339 instant with `Z` or an offset (util-calendar `parseInstant`). */
export const INSTANT =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})$/;
/** An RFC 5545 DURATION (§3.3.6) as a reminder offset: `-PT15M`, `-P1D`, `P1W`. */
export const DURATION = /^[+-]?P(?!$)(?:[0-9]+W|(?:[0-9]+D)?(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+S)?)?)$/;

const localPoint = z
  .string()
  .regex(LOCAL_POINT)
  .describe('A local date-time YYYY-MM-DDTHH:mm[:ss] in the event’s zone, or a date YYYY-MM-DD when allDay');
/** An IANA zone name (`Europe/Berlin`); which names exist is the runtime's tz database (400 otherwise). */
export const timeZoneName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/)
  .describe('IANA time zone name, e.g. Europe/Berlin (an unknown one: 400)');

/** A reminder: `{ offset }` before the start (RFC 5545 duration, at most 28 days) or `{ at }` an instant. */
export const reminderDoc = z.union([
  z.strictObject({ offset: z.string().max(40).regex(DURATION).describe('RFC 5545 duration, e.g. -PT15M or -P1D') }),
  z.strictObject({ at: z.string().regex(INSTANT).describe('RFC 3339 instant') }),
]);
const reminders = z.array(reminderDoc).max(10).describe('At most 10: [{ offset: "-PT15M" } | { at }]');
const points = z.array(localPoint).max(1000);
const attendees = z
  .array(z.string().min(1).max(200).describe('A member’s user id (`sub`)'))
  .max(100)
  .describe('Members of the workspace (another user: 400)');
const rrule = z
  .string()
  .min(1)
  .max(1000)
  .describe('RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO;COUNT=10 (COUNT and UNTIL exclude each other)');

/** Documents the body of `POST /scheduling/v1/events`; the CalendarEvent decider validates it by field. */
export const eventBodyDoc = z
  .strictObject({
    workspaceId: z.string().min(1).max(64).optional().describe('Workspace; the caller’s personal one when left out'),
    title: z.string().trim().min(1).max(500).describe('1–500 characters'),
    start: localPoint,
    end: localPoint.describe('Local date-time or date (exclusive), after start in the event’s zone'),
    timeZone: timeZoneName,
    allDay: z.boolean().optional(),
    rrule: rrule.nullable().optional(),
    exdates: points.nullable().optional(),
    rdates: points.nullable().optional(),
    attendees: attendees.nullable().optional(),
    reminders: reminders.nullable().optional(),
    description: z.string().max(10_000).nullable().optional(),
    location: z.string().max(500).nullable().optional(),
  })
  .meta({
    id: 'CalendarEventInput',
    examples: [
      {
        title: 'Stand-up',
        start: '2026-03-27T09:00:00',
        end: '2026-03-27T09:15:00',
        timeZone: 'Europe/Berlin',
        rrule: 'FREQ=DAILY;COUNT=4',
      },
    ],
  });

/** What the route accepts: any JSON object. */
export const eventBody = z.record(z.string(), z.unknown()).meta({
  examples: [
    {
      title: 'Stand-up',
      start: '2026-03-27T09:00:00',
      end: '2026-03-27T09:15:00',
      timeZone: 'Europe/Berlin',
      rrule: 'FREQ=DAILY;COUNT=4',
    },
  ],
});

export const eventDto = z
  .looseObject({ id: z.uuid(), version: z.number().int(), title: z.string(), timeZone: z.string() })
  .meta({
    id: 'CalendarEvent',
    examples: [
      { id: '0c9e7d1a-2b3c-4d5e-8f6a-7b8c9d0e1f2a', version: 1, title: 'Stand-up', timeZone: 'Europe/Berlin' },
    ],
  });

export const occurrencesQuery = z.object({
  from: z
    .string()
    .regex(INSTANT, 'must be an RFC 3339 instant, e.g. 2026-03-01T00:00:00Z')
    .describe('RFC 3339 instant, start of the window'),
  to: z
    .string()
    .regex(INSTANT, 'must be an RFC 3339 instant, e.g. 2026-04-01T00:00:00Z')
    .describe('RFC 3339 instant, end of the window (exclusive), after from and at most 366 days after it'),
  timeZone: timeZoneName
    .optional()
    .describe('The viewer’s IANA zone (all-day occurrences match by date in it); UTC by default'),
  workspaceId: z.string().min(1).max(250).optional().describe('Workspace (a member’s); personal when left out'),
});

export const occurrencesDto = z
  .object({
    items: z.array(
      z.object({
        eventId: z.uuid(),
        recurrenceId: z.string(),
        title: z.string(),
        description: z.string().nullable().describe('The occurrence’s own (an override’s), else the series’'),
        location: z.string().nullable().describe('The occurrence’s own (an override’s), else the series’'),
        start: z.string().describe('UTC instant (…Z), or a date for all-day events'),
        end: z.string(),
        allDay: z.boolean(),
        overridden: z.boolean(),
      }),
    ),
  })
  .meta({
    id: 'Occurrences',
    examples: [
      {
        items: [
          {
            eventId: '0c9e7d1a-2b3c-4d5e-8f6a-7b8c9d0e1f2a',
            recurrenceId: '2026-03-27T08:00:00Z',
            title: 'Stand-up',
            description: null,
            location: 'Room 4',
            start: '2026-03-27T08:00:00Z',
            end: '2026-03-27T08:15:00Z',
            allDay: false,
            overridden: false,
          },
        ],
      },
    ],
  });

/** Path of one event. */
export const eventIdParams = z.object({ id: z.uuid('must be a UUID') });

/** Path of one occurrence: the event and the occurrence's original start (RECURRENCE-ID). */
export const occurrenceParams = z.object({
  id: z.uuid('must be a UUID'),
  recurrenceId: z
    .string()
    .min(1)
    .max(40)
    .describe(
      'The occurrence’s original start: local in the event’s zone (2026-03-30T09:00:00, a date when all-day) as `recurrenceId` in GET …/occurrences, or its UTC instant (2026-03-30T07:00:00Z)',
    ),
});

/** Documents the body of `PATCH /scheduling/v1/events/{id}` (RFC 7396): absent keeps, null clears, arrays replace. */
export const eventPatchDoc = z
  .strictObject({
    title: z.string().trim().min(1).max(500).optional().describe('1–500 characters'),
    start: localPoint.optional(),
    end: localPoint.optional().describe('Local date-time or date (exclusive), after start in the event’s zone'),
    timeZone: timeZoneName.optional(),
    allDay: z.boolean().optional(),
    rrule: rrule.nullable().optional().describe('null: no longer recurring'),
    exdates: points.nullable().optional(),
    rdates: points.nullable().optional(),
    attendees: attendees.nullable().optional(),
    reminders: reminders.nullable().optional(),
    description: z.string().max(10_000).nullable().optional(),
    location: z.string().max(500).nullable().optional(),
  })
  .meta({
    id: 'CalendarEventPatch',
    description:
      'JSON merge patch (RFC 7396). Changing start, end, timeZone, allDay or rrule drops the single-occurrence overrides.',
    examples: [{ title: 'Team stand-up', start: '2026-03-27T09:30:00', end: '2026-03-27T09:45:00' }],
  });

/** The body of `PUT …/events/{id}/occurrences/{recurrenceId}`: where the occurrence moves to. */
export const occurrenceMoveBody = z
  .object({
    start: z
      .string()
      .regex(LOCAL_POINT, 'must be a local date-time YYYY-MM-DDTHH:mm[:ss], or a date when all-day')
      .describe('New local start in the event’s zone (a date when all-day)'),
    end: z
      .string()
      .regex(LOCAL_POINT, 'must be a local date-time YYYY-MM-DDTHH:mm[:ss], or a date when all-day')
      .describe('New local end, after start'),
    title: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .describe('This occurrence’s own title (1–500 characters); to retitle only, send its original start/end'),
    description: z
      .string()
      .max(10_000)
      .regex(/\S/, 'must not be blank')
      .optional()
      .describe('This occurrence’s own description (DESCRIPTION); absent: the series’'),
    location: z
      .string()
      .max(500)
      .regex(/\S/, 'must not be blank')
      .optional()
      .describe('This occurrence’s own location (LOCATION); absent: the series’'),
  })
  .meta({
    id: 'OccurrenceMove',
    examples: [
      {
        start: '2026-03-30T10:00:00',
        end: '2026-03-30T10:15:00',
        title: 'Stand-up (demo)',
        location: 'Room 4',
      },
    ],
  });

export const getEventQuery = z.object({
  minVersion: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .optional()
    .describe('Wait up to 2 s for the read model to reach this version (a write’s answer), else 409'),
});

/** One entity-tag of an `If-Match` list (RFC 9110 §8.8.3): optionally weak, then a quoted opaque tag. */
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

/**
 * The versions an `If-Match` header accepts (RFC 9110 §13.1.1): `*` or no header → no check
 * (undefined); otherwise the versions of its strong entity-tags `"<version>"` — weak tags and other
 * opaque tags never match (strong comparison), so the list may be empty (always 412). Malformed syntax →
 * null (the handler answers 400).
 */
export function ifMatchVersions(header: string | undefined): readonly number[] | undefined | null {
  if (header === undefined || header.trim() === '*') return undefined;
  const versions: number[] = [];
  for (const part of header.split(',')) {
    const match = ENTITY_TAG.exec(part.trim());
    if (!match) return null;
    if (!match[1] && /^\d{1,9}$/.test(match[2]!)) versions.push(Number(match[2]));
  }
  return versions;
}

/**
 * Reads `If-None-Match` (RFC 9110 §13.1.2, weak comparison: `W/"3"` names version 3 too): `*` → any
 * version; else the versions of its `"<n>"` tags. No header, or one that is not an entity-tag list, →
 * undefined: the condition is ignored (200 is always a right answer to a GET).
 */
export function ifNoneMatchVersions(
  header: string | undefined,
): { readonly any: boolean; readonly versions: readonly number[] } | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return { any: true, versions: [] };
  const versions = ifMatchVersions(header.replace(/(^|,)\s*W\//g, '$1'));
  return versions ? { any: false, versions } : undefined;
}
