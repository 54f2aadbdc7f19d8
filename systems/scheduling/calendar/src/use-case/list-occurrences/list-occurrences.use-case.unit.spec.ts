import { describe, expect, it } from 'vitest';
import type { EventFields } from '../../entity/event/calendar-event.events.js';
import type { EventReadModelPort, EventRecord } from '../port/event.read-model.port.js';
import { ListOccurrencesQuery } from './list-occurrences.query.js';
import { InvalidOccurrenceQueryError, ListOccurrencesUseCase } from './list-occurrences.use-case.js';

const base: EventFields = {
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
/** In-memory read model: every event of the workspace is a candidate (a superset, as the port allows). */
class InMemoryEvents implements EventReadModelPort {
  constructor(readonly records: EventRecord[]) {}
  async candidates(workspaceId: string) {
    return this.records.filter((r) => r.fields.workspaceId === workspaceId);
  }
}
const noMembers = {
  roleOf: () => Promise.resolve(null),
  owners: () => Promise.resolve([]),
  apply: () => Promise.resolve(false),
};
const useCase = new ListOccurrencesUseCase(
  new InMemoryEvents([
    { eventId: 'e1', version: 1, fields: base },
    {
      eventId: 'e2',
      version: 1,
      fields: {
        ...base,
        title: 'NY sync',
        timeZone: 'America/New_York',
        start: '2026-03-27T04:00:00',
        end: '2026-03-27T05:00:00',
        rrule: 'FREQ=WEEKLY;COUNT=2',
      },
    },
    { eventId: 'e3', version: 1, fields: { ...base, workspaceId: 'w2', title: 'Elsewhere' } },
  ]),
  noMembers,
);
const problemsOf = async (from: unknown, to: unknown, tz?: string) => {
  try {
    await useCase.execute(new ListOccurrencesQuery('w1', from, to, tz));
  } catch (error) {
    if (error instanceof InvalidOccurrenceQueryError) return error.problems.map((p) => p.field);
    throw error;
  }
  return [];
};

describe('ListOccurrencesUseCase', () => {
  it('given two series in different zones, when a window across the DST change is asked, then UTC instants of both, sorted', async () => {
    const { items } = await useCase.execute(
      new ListOccurrencesQuery('w1', '2026-03-27T00:00:00Z', '2026-04-04T00:00:00Z'),
    );
    expect(items.map((i) => [i.eventId, i.start])).toEqual([
      ['e1', '2026-03-27T08:00:00Z'],
      ['e2', '2026-03-27T08:00:00Z'],
      ['e1', '2026-03-28T08:00:00Z'],
      ['e1', '2026-03-29T07:00:00Z'],
      ['e1', '2026-03-30T07:00:00Z'],
      ['e2', '2026-04-03T08:00:00Z'],
    ]);
  });

  it('refuses a missing, malformed, reversed or too long window and an unknown zone (400 by field)', async () => {
    expect(await problemsOf(undefined, 'soon')).toEqual(['from', 'to']);
    expect(await problemsOf('2026-04-01T00:00:00Z', '2026-03-01T00:00:00Z')).toEqual(['to']);
    expect(await problemsOf('2026-01-01T00:00:00Z', '2028-01-01T00:00:00Z')).toEqual(['to']);
    expect(await problemsOf('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', 'Nowhere/Town')).toEqual([
      'viewerTimeZone',
    ]);
  });
});
