import { fold } from '@archipelago/util-decider';
import { describe, expect, it } from 'vitest';
import { calendarEventDecider } from '../event/calendar-event.decider.js';
import type { CalendarEventEvent, EventFields } from '../event/calendar-event.events.js';
import { planReminders, reconcileReminders } from './reminder-plan.js';

const eventId = 'e1';
const at = '2026-03-01T00:00:00Z';
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
  attendees: ['u1'],
  reminders: [{ offset: '-PT15M' }],
};
const window = { from: '2026-03-27T00:00:00Z', to: '2026-04-01T00:00:00Z' };
const live = (events: CalendarEventEvent[]) => {
  const state = fold(calendarEventDecider, [
    { type: 'EventCreated', data: { eventId, ...fields, createdBy: 'u1', at } },
    ...events,
  ]);
  return state.kind === 'live' ? state.fields : null;
};

describe('reminder plan', () => {
  it('given a daily series with -PT15M, then one reminder per occurrence, keyed by occurrence and reminder', () => {
    const plan = planReminders(eventId, live([]), window, ['u1']);
    expect(plan.map((p) => [p.key, p.dueAt])).toEqual([
      ['e1|2026-03-27T09:00:00|offset:-PT15M', '2026-03-27T07:45:00Z'],
      ['e1|2026-03-28T09:00:00|offset:-PT15M', '2026-03-28T07:45:00Z'],
      ['e1|2026-03-29T09:00:00|offset:-PT15M', '2026-03-29T06:45:00Z'],
      ['e1|2026-03-30T09:00:00|offset:-PT15M', '2026-03-30T06:45:00Z'],
    ]);
  });

  it('when an occurrence moves and another is cancelled, then its reminder moves and the other is cancelled', () => {
    const pending = planReminders(eventId, live([]), window, ['u1']);
    const changed = live([
      {
        type: 'OccurrenceMoved',
        data: {
          eventId,
          recurrenceId: '2026-03-28T09:00:00',
          start: '2026-03-28T13:00:00',
          end: '2026-03-28T13:15:00',
          at,
        },
      },
      { type: 'OccurrenceCancelled', data: { eventId, recurrenceId: '2026-03-29T09:00:00', at } },
    ]);
    const changes = reconcileReminders(pending, planReminders(eventId, changed, window, ['u1']));
    expect(changes).toEqual({
      add: [],
      move: [expect.objectContaining({ key: 'e1|2026-03-28T09:00:00|offset:-PT15M', dueAt: '2026-03-28T11:45:00Z' })],
      cancel: ['e1|2026-03-29T09:00:00|offset:-PT15M'],
    });
  });

  it('when the event is deleted, then every pending reminder is cancelled; fired ones are never added again', () => {
    const pending = planReminders(eventId, live([]), window, ['u1']);
    expect(reconcileReminders(pending, planReminders(eventId, null, window, ['u1'])).cancel).toHaveLength(4);
    const [first, ...rest] = pending;
    expect(reconcileReminders(rest, pending, new Set([first!.key])).add).toEqual([]);
    expect(reconcileReminders(rest, pending).add).toEqual([first]);
  });
});
