import { fold } from '@archipelago/util-decider';
import { describe, expect, it } from 'vitest';
import { calendarEventDecider, type CalendarEventCommand } from './calendar-event.decider.js';
import { EventValidationError } from './calendar-event.errors.js';
import type { CalendarEventEvent } from './calendar-event.events.js';

/** Values a client may send in any field; none may make the decider throw anything but a validation error. */
const JUNK: unknown[] = [
  null,
  0,
  -1,
  1.5,
  Number.NaN,
  '',
  ' ',
  'x'.repeat(100_000),
  '2026-02-30T09:00',
  '2026-03-29T02:30',
  true,
  [],
  {},
  [null],
  [{}],
  [1],
  ['2026-13-01'],
  [{ offset: null }],
  [{ at: 5 }],
];
const FIELDS = [
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
  'workspaceId',
  'overrides',
];
const now = '2026-03-01T00:00:00Z';
const base = {
  workspaceId: 'w',
  title: 'T',
  start: '2026-03-27T09:00',
  end: '2026-03-27T10:00',
  timeZone: 'Europe/Berlin',
  rrule: 'FREQ=DAILY;COUNT=4',
};

function outcome(command: CalendarEventCommand, history: CalendarEventEvent[]): string {
  try {
    calendarEventDecider.decide(command, fold(calendarEventDecider, history));
    return 'ok';
  } catch (error) {
    if (error instanceof EventValidationError) return 'invalid';
    return `crash: ${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe('CalendarEvent decider under hostile input', () => {
  it('answers every junk value in every field, and in occurrence commands, with success or EventValidationError', () => {
    const created = calendarEventDecider.decide(
      { type: 'CreateEvent', data: { eventId: 'e', now, createdBy: 'u', input: base } },
      fold(calendarEventDecider, []),
    );
    const crashes: string[] = [];
    const record = (label: string, result: string) => {
      if (result.startsWith('crash')) crashes.push(`${label}: ${result}`);
    };
    for (const value of JUNK) {
      const v = JSON.stringify(value)?.slice(0, 40);
      for (const field of FIELDS) {
        record(
          `create ${field}=${v}`,
          outcome(
            { type: 'CreateEvent', data: { eventId: 'e2', now, createdBy: 'u', input: { ...base, [field]: value } } },
            [],
          ),
        );
        record(
          `update ${field}=${v}`,
          outcome({ type: 'UpdateEvent', data: { eventId: 'e', now, patch: { [field]: value } } }, created),
        );
      }
      record(
        `cancel ${v}`,
        outcome({ type: 'CancelOccurrence', data: { eventId: 'e', now, recurrenceId: value } }, created),
      );
      record(
        `move ${v}`,
        outcome(
          {
            type: 'MoveOccurrence',
            data: { eventId: 'e', now, recurrenceId: '2026-03-28T09:00', start: value, end: value },
          },
          created,
        ),
      );
    }
    expect(crashes).toEqual([]);
  });
});
