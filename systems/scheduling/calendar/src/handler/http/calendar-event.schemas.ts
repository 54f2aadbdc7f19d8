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
