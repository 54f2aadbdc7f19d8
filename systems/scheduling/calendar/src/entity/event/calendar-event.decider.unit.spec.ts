import { deciderSpec } from '@archipelago/testing-decider';
import { dueReminders, expandOccurrences } from '@archipelago/util-calendar';
import { fold } from '@archipelago/util-decider';
import { describe, expect, it } from 'vitest';
import { calendarEventDecider, scheduleOfEvent, type CalendarEventCommand } from './calendar-event.decider.js';
import { EventAlreadyExistsError, EventNotFoundError, EventValidationError } from './calendar-event.errors.js';
import type { CalendarEventEvent, EventCreated, EventFields } from './calendar-event.events.js';

const spec = deciderSpec(calendarEventDecider);
const eventId = 'e1';
const t0 = '2026-03-01T09:00:00Z';
const now = '2026-03-02T10:00:00Z';
const fields: EventFields = {
  workspaceId: 'w1',
  title: 'Stand-up',
  description: null,
  location: null,
  timeZone: 'Europe/Berlin',
  allDay: false,
  start: '2026-03-27T09:00:00',
  end: '2026-03-27T09:15:00',
  rrule: 'FREQ=DAILY;COUNT=4',
  exdates: [],
  rdates: [],
  overrides: [],
  attendees: [],
  reminders: [],
};
const created = (over: Partial<EventFields> = {}): EventCreated => ({
  type: 'EventCreated',
  data: { eventId, ...fields, ...over, createdBy: 'u1', at: t0 },
});
const create = (input: Record<string, unknown>, lookups = {}): CalendarEventCommand => ({
  type: 'CreateEvent',
  data: {
    eventId,
    now: t0,
    createdBy: 'u1',
    lookups,
    input: {
      workspaceId: 'w1',
      title: 'Stand-up',
      start: '2026-03-27T09:00',
      end: '2026-03-27T09:15',
      timeZone: 'Europe/Berlin',
      rrule: 'FREQ=DAILY;COUNT=4',
      ...input,
    },
  },
});
const update = (patch: Record<string, unknown>): CalendarEventCommand => ({
  type: 'UpdateEvent',
  data: { eventId, now, patch },
});
const cancel = (recurrenceId: string): CalendarEventCommand => ({
  type: 'CancelOccurrence',
  data: { eventId, now, recurrenceId },
});
const move = (
  recurrenceId: string,
  start: string,
  end: string,
  own: { title?: unknown; description?: unknown; location?: unknown } = {},
): CalendarEventCommand => ({
  type: 'MoveOccurrence',
  data: { eventId, now, recurrenceId, start, end, ...own },
});
const problemsOf = (command: CalendarEventCommand, given: CalendarEventEvent[] = []) => {
  try {
    calendarEventDecider.decide(command, fold(calendarEventDecider, given));
  } catch (error) {
    if (error instanceof EventValidationError) return error.problems.map((p) => p.field);
    throw error;
  }
  return [];
};
const startsOf = (events: CalendarEventEvent[]) => {
  const state = fold(calendarEventDecider, events);
  if (state.kind !== 'live') throw new Error('not live');
  return expandOccurrences(scheduleOfEvent(state.fields), {
    from: '2026-01-01T00:00:00Z',
    to: '2027-01-01T00:00:00Z',
  }).map((o) => o.start);
};

describe('CalendarEvent: create', () => {
  it('given nothing, when a daily 09:00 Berlin series is created, then EventCreated with local times in one spelling', () =>
    spec.given([]).when(create({})).then([created()]));

  it('expands the created series across the DST change', () =>
    expect(startsOf([created()])).toEqual([
      '2026-03-27T08:00:00Z',
      '2026-03-28T08:00:00Z',
      '2026-03-29T07:00:00Z',
      '2026-03-30T07:00:00Z',
    ]));

  it('refuses COUNT with UNTIL, an unknown zone and an end before the start, by field (400)', () => {
    expect(problemsOf(create({ rrule: 'FREQ=DAILY;COUNT=2;UNTIL=20260401T000000Z' }))).toEqual(['rrule']);
    expect(problemsOf(create({ timeZone: 'Europe/Nowhere' }))).toEqual(['timeZone']);
    expect(problemsOf(create({ end: '2026-03-27T08:00' }))).toEqual(['end']);
  });

  it('requires workspaceId, title, start, end and timeZone, and names unknown fields', () =>
    expect(
      problemsOf({ type: 'CreateEvent', data: { eventId, now: t0, createdBy: 'u1', input: { colour: 'red' } } }),
    ).toEqual(['workspaceId', 'title', 'start', 'end', 'timeZone', 'colour']));

  it('checks attendees are members and reminders are RFC 5545 durations', () =>
    expect(
      problemsOf(create({ attendees: ['u1', 'x9'], reminders: [{ offset: '-P1M' }] }, { nonMemberAttendees: ['x9'] })),
    ).toEqual(['attendees/1', 'reminders/0/offset']));

  it('keeps all-day events as dates', () =>
    spec
      .given([])
      .when(create({ allDay: true, start: '2026-04-03', end: '2026-04-04', rrule: null }))
      .then([created({ allDay: true, start: '2026-04-03', end: '2026-04-04', rrule: null })]));

  it('refuses a second create', () => spec.given([created()]).when(create({})).thenThrows(EventAlreadyExistsError));
});

describe('CalendarEvent: occurrences', () => {
  it('cancels one occurrence, once', () => {
    spec
      .given([created()])
      .when(cancel('2026-03-28T09:00'))
      .then([{ type: 'OccurrenceCancelled', data: { eventId, recurrenceId: '2026-03-28T09:00:00', at: now } }]);
    spec
      .given([
        created(),
        { type: 'OccurrenceCancelled', data: { eventId, recurrenceId: '2026-03-28T09:00:00', at: now } },
      ])
      .when(cancel('2026-03-28T09:00:00'))
      .then([]);
  });

  it('moves one occurrence; a repeat decides nothing; the move shows in the expansion', () => {
    const moved: CalendarEventEvent = {
      type: 'OccurrenceMoved',
      data: {
        eventId,
        recurrenceId: '2026-03-29T09:00:00',
        start: '2026-03-29T11:00:00',
        end: '2026-03-29T11:30:00',
        at: now,
      },
    };
    spec
      .given([created()])
      .when(move('2026-03-29T09:00', '2026-03-29T11:00', '2026-03-29T11:30'))
      .then([moved]);
    spec
      .given([created(), moved])
      .when(move('2026-03-29T09:00:00', '2026-03-29T11:00:00', '2026-03-29T11:30:00'))
      .then([]);
    expect(
      startsOf([
        created(),
        moved,
        { type: 'OccurrenceCancelled', data: { eventId, recurrenceId: '2026-03-30T09:00:00', at: now } },
      ]),
    ).toEqual(['2026-03-27T08:00:00Z', '2026-03-28T08:00:00Z', '2026-03-29T09:00:00Z']);
  });

  it('given a series, when one occurrence gets its own description and location, then OccurrenceMoved carries them; the same again decides nothing; blank or non-string texts are refused', () => {
    const own = { description: 'Bring the slides', location: 'Hall B' };
    const changed: CalendarEventEvent = {
      type: 'OccurrenceMoved',
      data: {
        eventId,
        recurrenceId: '2026-03-28T09:00:00',
        start: '2026-03-28T09:00:00',
        end: '2026-03-28T09:15:00',
        ...own,
        at: now,
      },
    };
    spec
      .given([created()])
      .when(move('2026-03-28T09:00', '2026-03-28T09:00', '2026-03-28T09:15', own))
      .then([changed]);
    spec
      .given([created(), changed])
      .when(move('2026-03-28T09:00', '2026-03-28T09:00', '2026-03-28T09:15', own))
      .then([]);
    const state = fold(calendarEventDecider, [created(), changed]);
    expect(state.kind === 'live' && state.fields.overrides).toEqual([
      { recurrenceId: '2026-03-28T09:00:00', start: '2026-03-28T09:00:00', end: '2026-03-28T09:15:00', ...own },
    ]);
    expect(
      problemsOf(move('2026-03-28T09:00', '2026-03-28T09:00', '2026-03-28T09:15', { location: ' ', description: 7 }), [
        created(),
      ]),
    ).toEqual(['description', 'location']);
  });

  it('refuses a RECURRENCE-ID that is no occurrence and a move ending before it starts', () => {
    expect(problemsOf(cancel('2026-03-28T10:00'), [created()])).toEqual(['recurrenceId']);
    expect(problemsOf(cancel('2026-04-28T09:00'), [created()])).toEqual(['recurrenceId']);
    expect(problemsOf(move('2026-03-28T09:00', '2026-03-28T12:00', '2026-03-28T11:00'), [created()])).toEqual(['end']);
  });

  it('gives reminders per occurrence, following moves', () => {
    const moved: CalendarEventEvent = {
      type: 'OccurrenceMoved',
      data: {
        eventId,
        recurrenceId: '2026-03-29T09:00:00',
        start: '2026-03-29T11:00:00',
        end: '2026-03-29T11:30:00',
        at: now,
      },
    };
    const state = fold(calendarEventDecider, [created({ reminders: [{ offset: '-PT15M' }] }), moved]);
    if (state.kind !== 'live') throw new Error('not live');
    expect(
      dueReminders(scheduleOfEvent(state.fields), state.fields.reminders, {
        from: '2026-03-28T00:00:00Z',
        to: '2026-03-30T00:00:00Z',
      }).map((r) => r.dueAt),
    ).toEqual(['2026-03-28T07:45:00Z', '2026-03-29T08:45:00Z']);
  });
});

describe('CalendarEvent: update and delete', () => {
  const withOverride: CalendarEventEvent[] = [
    created(),
    { type: 'OccurrenceCancelled', data: { eventId, recurrenceId: '2026-03-28T09:00:00', at: now } },
  ];

  it('records only changed fields; a new title keeps the overrides', () =>
    spec
      .given(withOverride)
      .when(update({ title: 'Daily', location: 'Room 4', attendees: [] }))
      .then([{ type: 'EventUpdated', data: { eventId, changes: { title: 'Daily', location: 'Room 4' }, at: now } }]));

  it('drops the overrides when the timing changes', () =>
    spec
      .given(withOverride)
      .when(update({ start: '2026-03-27T10:00', end: '2026-03-27T10:15' }))
      .then([
        {
          type: 'EventUpdated',
          data: {
            eventId,
            changes: { start: '2026-03-27T10:00:00', end: '2026-03-27T10:15:00', overrides: [] },
            at: now,
          },
        },
      ]));

  it('decides nothing for an empty change and refuses a bad one by field', () => {
    spec
      .given(withOverride)
      .when(update({ start: '2026-03-27T09:00' }))
      .then([]);
    expect(problemsOf(update({ workspaceId: 'w2', title: '', rrule: 'FREQ=SOMETIMES' }), [created()])).toEqual([
      'workspaceId',
      'title',
      'rrule',
    ]);
  });

  it('counts versions and deletes; then 404', () => {
    const history: CalendarEventEvent[] = [
      ...withOverride,
      { type: 'EventUpdated', data: { eventId, changes: { title: 'x' }, at: now } },
    ];
    expect(fold(calendarEventDecider, history).version).toBe(3);
    spec
      .given(history)
      .when({ type: 'DeleteEvent', data: { eventId, now } })
      .then([{ type: 'EventDeleted', data: { eventId, workspaceId: 'w1', at: now } }]);
    spec
      .given([...history, { type: 'EventDeleted', data: { eventId, workspaceId: 'w1', at: now } }])
      .when(cancel('2026-03-28T09:00'))
      .thenThrows(EventNotFoundError);
  });
});
