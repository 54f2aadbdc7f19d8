import { z } from 'zod';

/** Documents the body of `POST /scheduling/v1/events`; any JSON object reaches the decider, which validates by field. */
export const eventBodyDoc = z
  .looseObject({
    workspaceId: z.string().optional().describe('Workspace; the caller’s personal one when left out'),
    title: z.string().describe('1–500 characters'),
    start: z.string().describe('Local date-time in timeZone (2026-03-27T09:00:00), or a date when allDay'),
    end: z.string().describe('Local date-time or date (exclusive), after start'),
    timeZone: z.string().describe('IANA time zone'),
    allDay: z.boolean().optional(),
    rrule: z
      .string()
      .optional()
      .describe('RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO;COUNT=10 (COUNT and UNTIL exclude each other)'),
    exdates: z.array(z.string()).optional(),
    rdates: z.array(z.string()).optional(),
    attendees: z.array(z.string()).optional(),
    reminders: z.array(z.unknown()).optional().describe('[{ offset: "-PT15M" } | { at }]'),
    description: z.string().optional(),
    location: z.string().optional(),
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
  from: z.string().optional().describe('RFC 3339 instant, start of the window'),
  to: z.string().optional().describe('RFC 3339 instant, end of the window (exclusive), at most 366 days after from'),
  timeZone: z
    .string()
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
  .looseObject({
    title: z.string().optional().describe('1–500 characters'),
    start: z.string().optional().describe('Local date-time in timeZone, or a date when allDay'),
    end: z.string().optional(),
    timeZone: z.string().optional().describe('IANA time zone'),
    allDay: z.boolean().optional(),
    rrule: z.string().nullable().optional().describe('null: no longer recurring'),
    exdates: z.array(z.string()).nullable().optional(),
    rdates: z.array(z.string()).nullable().optional(),
    attendees: z.array(z.string()).nullable().optional(),
    reminders: z.array(z.unknown()).nullable().optional(),
    description: z.string().nullable().optional(),
    location: z.string().nullable().optional(),
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
    start: z.string().min(1).max(40).describe('New local start in the event’s zone (a date when all-day)'),
    end: z.string().min(1).max(40).describe('New local end, after start'),
    title: z
      .string()
      .max(500)
      .optional()
      .describe('This occurrence’s own title (1–500 characters); to retitle only, send its original start/end'),
  })
  .meta({
    id: 'OccurrenceMove',
    examples: [{ start: '2026-03-30T10:00:00', end: '2026-03-30T10:15:00', title: 'Stand-up (demo)' }],
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
