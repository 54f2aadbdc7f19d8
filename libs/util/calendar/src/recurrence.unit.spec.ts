import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  expandOccurrences,
  nextOccurrenceStart,
  ScheduleError,
  validateSchedule,
  type Schedule,
} from './recurrence.js';

const berlin = (over: Partial<Schedule> = {}): Schedule => ({
  timeZone: 'Europe/Berlin',
  allDay: false,
  start: '2026-03-27T09:00',
  end: '2026-03-27T10:00',
  rrule: 'FREQ=DAILY;COUNT=4',
  ...over,
});
const year = { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' };
const starts = (s: Schedule, w = year) => expandOccurrences(s, w).map((o) => o.start);
const fieldsOf = (s: Schedule) => validateSchedule(s).map((p) => p.field);

describe('recurrence expansion in the event time zone (RFC 5545)', () => {
  it('given daily 09:00 Europe/Berlin from 2026-03-27 ×4, when expanded, then the UTC instants follow the DST change', () => {
    expect(starts(berlin())).toEqual([
      '2026-03-27T08:00:00Z',
      '2026-03-28T08:00:00Z',
      '2026-03-29T07:00:00Z',
      '2026-03-30T07:00:00Z',
    ]);
  });

  it('keeps each instance one hour long across the change and names it by its local start', () => {
    const occurrences = expandOccurrences(berlin(), year);
    expect(occurrences[2]).toEqual({
      recurrenceId: '2026-03-29T09:00:00',
      start: '2026-03-29T07:00:00Z',
      end: '2026-03-29T08:00:00Z',
      allDay: false,
      overridden: false,
    });
  });

  it('given daily 02:30, when the local time falls in the 29 March gap, then that instance is skipped and not counted', () => {
    const s = berlin({ start: '2026-03-28T02:30', end: '2026-03-28T03:00', rrule: 'FREQ=DAILY;COUNT=3' });
    expect(starts(s)).toEqual(['2026-03-28T01:30:00Z', '2026-03-30T00:30:00Z', '2026-03-31T00:30:00Z']);
  });

  it('given an explicit start inside the gap, then it is read with the offset before the gap (RFC 5545 §3.3.5)', () => {
    expect(starts(berlin({ start: '2026-03-29T02:30', end: '2026-03-29T04:00', rrule: null }))).toEqual([
      '2026-03-29T01:30:00Z',
    ]);
  });

  it('given daily 02:30, when 25 October repeats that hour, then there is one instance, the first', () => {
    const s = berlin({ start: '2026-10-24T02:30', end: '2026-10-24T03:00', rrule: 'FREQ=DAILY;COUNT=3' });
    expect(starts(s)).toEqual(['2026-10-24T00:30:00Z', '2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z']);
  });

  it('given an explicit start in the repeated hour, then it is the first of the two (RFC 5545 §3.3.5)', () => {
    expect(starts(berlin({ start: '2026-10-25T02:30', end: '2026-10-25T03:00', rrule: null }))).toEqual([
      '2026-10-25T00:30:00Z',
    ]);
  });

  it('applies EXDATE (in the event zone) and RDATE', () => {
    const s = berlin({ exdates: ['2026-03-28T09:00'], rdates: ['2026-04-10T12:00'] });
    expect(starts(s)).toEqual([
      '2026-03-27T08:00:00Z',
      '2026-03-29T07:00:00Z',
      '2026-03-30T07:00:00Z',
      '2026-04-10T10:00:00Z',
    ]);
  });

  it('moves one occurrence (RECURRENCE-ID) and cancels another', () => {
    const s = berlin({
      overrides: [
        { recurrenceId: '2026-03-28T09:00:00', start: '2026-03-28T15:00', end: '2026-03-28T16:30' },
        { recurrenceId: '2026-03-30T09:00', cancelled: true },
      ],
    });
    expect(expandOccurrences(s, year)).toEqual([
      {
        recurrenceId: '2026-03-27T09:00:00',
        start: '2026-03-27T08:00:00Z',
        end: '2026-03-27T09:00:00Z',
        allDay: false,
        overridden: false,
      },
      {
        recurrenceId: '2026-03-28T09:00:00',
        start: '2026-03-28T14:00:00Z',
        end: '2026-03-28T15:30:00Z',
        allDay: false,
        overridden: true,
      },
      {
        recurrenceId: '2026-03-29T09:00:00',
        start: '2026-03-29T07:00:00Z',
        end: '2026-03-29T08:00:00Z',
        allDay: false,
        overridden: false,
      },
    ]);
  });

  it('shows a moved occurrence in the window it was moved into, not the one it came from', () => {
    const s = berlin({
      overrides: [{ recurrenceId: '2026-03-27T09:00', start: '2026-04-02T09:00', end: '2026-04-02T10:00' }],
    });
    expect(starts(s, { from: '2026-04-01T00:00:00Z', to: '2026-04-03T00:00:00Z' })).toEqual(['2026-04-02T07:00:00Z']);
    expect(starts(s, { from: '2026-03-27T00:00:00Z', to: '2026-03-28T00:00:00Z' })).toEqual([]);
  });

  it('gives a retitled occurrence its own title (RECURRENCE-ID override with SUMMARY); the others have none', () => {
    const s = berlin({
      overrides: [
        { recurrenceId: '2026-03-28T09:00', start: '2026-03-28T09:00', end: '2026-03-28T10:00', title: 'Demo day' },
      ],
    });
    const found = expandOccurrences(s, { from: '2026-03-27T00:00:00Z', to: '2026-03-29T00:00:00Z' });
    expect(found.map((o) => [o.start, o.overridden, o.title])).toEqual([
      ['2026-03-27T08:00:00Z', false, undefined],
      ['2026-03-28T08:00:00Z', true, 'Demo day'],
    ]);
    expect(
      fieldsOf(
        berlin({
          overrides: [
            { recurrenceId: '2026-03-28T09:00', start: '2026-03-28T09:00', end: '2026-03-28T10:00', title: ' ' },
          ],
        }),
      ),
    ).toEqual(['overrides/0/title']);
  });

  it('returns the occurrences overlapping the window of an endless rule', () => {
    const s = berlin({ rrule: 'FREQ=WEEKLY;BYDAY=MO,WE' });
    expect(starts(s, { from: '2030-03-25T00:00:00Z', to: '2030-04-04T00:00:00Z' })).toEqual([
      '2030-03-25T08:00:00Z',
      '2030-03-27T08:00:00Z',
      '2030-04-01T07:00:00Z',
      '2030-04-03T07:00:00Z',
    ]);
    // An occurrence that started before `from` but is still running overlaps it.
    expect(starts(s, { from: '2030-03-25T08:30:00Z', to: '2030-03-25T09:00:00Z' })).toEqual(['2030-03-25T08:00:00Z']);
  });

  it('keeps all-day events as floating dates, never UTC midnight', () => {
    const s: Schedule = {
      timeZone: 'Pacific/Auckland',
      allDay: true,
      start: '2026-03-27',
      end: '2026-03-28',
      rrule: 'FREQ=WEEKLY;COUNT=3',
      exdates: ['2026-04-03'],
    };
    expect(expandOccurrences(s, year)).toEqual([
      { recurrenceId: '2026-03-27', start: '2026-03-27', end: '2026-03-28', allDay: true, overridden: false },
      { recurrenceId: '2026-04-10', start: '2026-04-10', end: '2026-04-11', allDay: true, overridden: false },
    ]);
    // The window is read as dates in the viewer's zone: 2026-04-09T12:00Z is already 10 April in Auckland.
    expect(
      expandOccurrences(s, { from: '2026-04-09T12:00:00Z', to: '2026-04-09T13:00:00Z' }, 'Pacific/Auckland').map(
        (o) => o.start,
      ),
    ).toEqual(['2026-04-10']);
    expect(expandOccurrences(s, { from: '2026-04-09T12:00:00Z', to: '2026-04-09T13:00:00Z' }, 'UTC')).toEqual([]);
  });

  it('expands a single event (no RRULE) and one with only RDATEs', () => {
    expect(starts(berlin({ rrule: null }))).toEqual(['2026-03-27T08:00:00Z']);
    expect(starts(berlin({ rrule: null, rdates: ['2026-07-01T09:00'] }))).toEqual([
      '2026-03-27T08:00:00Z',
      '2026-07-01T07:00:00Z',
    ]);
  });

  it('finds the next start after an instant (for recurring tasks)', () => {
    expect(nextOccurrenceStart(berlin(), '2026-03-28T08:00:00Z')).toBe('2026-03-29T07:00:00Z');
    expect(nextOccurrenceStart(berlin(), '2026-03-30T07:00:00Z')).toBeNull();
  });
});

describe('schedule validation names each field', () => {
  it('refuses COUNT with UNTIL', () =>
    expect(fieldsOf(berlin({ rrule: 'FREQ=DAILY;COUNT=3;UNTIL=20260401T000000Z' }))).toEqual(['rrule']));
  it('refuses an unknown time zone', () =>
    expect(fieldsOf(berlin({ timeZone: 'Europe/Atlantis' }))).toEqual(['timeZone']));
  it('refuses a fixed offset as a zone', () => expect(fieldsOf(berlin({ timeZone: '+01:00' }))).toEqual(['timeZone']));
  it('refuses an end before the start', () => expect(fieldsOf(berlin({ end: '2026-03-27T08:59' }))).toEqual(['end']));
  it('refuses an end equal to the start of an all-day event', () =>
    expect(fieldsOf({ timeZone: 'UTC', allDay: true, start: '2026-03-27', end: '2026-03-27' })).toEqual(['end']));
  it('refuses a time on an all-day event and a date on a timed one', () => {
    expect(fieldsOf({ timeZone: 'UTC', allDay: true, start: '2026-03-27T00:00', end: '2026-03-28' })).toEqual([
      'start',
    ]);
    expect(fieldsOf(berlin({ start: '2026-03-27' }))).toEqual(['start']);
  });
  it('refuses impossible dates and UTC instants as local times', () => {
    expect(fieldsOf(berlin({ start: '2026-02-30T09:00' }))).toEqual(['start']);
    expect(fieldsOf(berlin({ start: '2026-03-27T09:00Z' }))).toEqual(['start']);
  });
  it('refuses malformed rules', () => {
    for (const rrule of [
      'FREQ=BOGUS',
      'FREQ=DAILY;FOO=1',
      'RRULE:FREQ=DAILY',
      'FREQ=DAILY;COUNT=2;COUNT=3',
      'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY',
      'FREQ=DAILY;UNTIL=20260401',
    ]) {
      expect(fieldsOf(berlin({ rrule })), rrule).toEqual(['rrule']);
    }
  });
  it('refuses an hourly all-day rule and a date-time UNTIL on an all-day rule', () => {
    expect(
      fieldsOf({ timeZone: 'UTC', allDay: true, start: '2026-03-27', end: '2026-03-28', rrule: 'FREQ=HOURLY' }),
    ).toEqual(['rrule']);
    expect(
      fieldsOf({
        timeZone: 'UTC',
        allDay: true,
        start: '2026-03-27',
        end: '2026-03-28',
        rrule: 'FREQ=DAILY;UNTIL=20260401T000000Z',
      }),
    ).toEqual(['rrule']);
  });
  it('refuses bad EXDATE/RDATE entries and an override of a time that is no occurrence', () => {
    expect(fieldsOf(berlin({ exdates: ['2026-03-28T09:00', 'soon'], rdates: ['2026-13-01T00:00'] }))).toEqual([
      'exdates/1',
      'rdates/0',
    ]);
    expect(fieldsOf(berlin({ overrides: [{ recurrenceId: '2026-03-28T10:00', cancelled: true }] }))).toEqual([
      'overrides/0/recurrenceId',
    ]);
  });
  it('throws ScheduleError from expansion with the problems, including the window', () => {
    let error: unknown;
    try {
      expandOccurrences(berlin({ timeZone: 'Nowhere/City' }), {
        from: '2026-02-01T00:00:00Z',
        to: '2026-01-01T00:00:00Z',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScheduleError);
    expect((error as ScheduleError).problems.map((p) => p.field)).toEqual(['timeZone', 'to']);
  });
  it('refuses a window with too many occurrences', () =>
    expect(() => expandOccurrences(berlin({ rrule: 'FREQ=MINUTELY' }), year)).toThrow(ScheduleError));
});

describe('expansion does not depend on the process time zone', () => {
  it('gives the same instants under TZ=Pacific/Chatham (a child process) as here', () => {
    const script = fileURLToPath(new URL('./expand.fixture.mjs', import.meta.url));
    const run = (tz: string) =>
      spawnSync(process.execPath, ['--no-warnings', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
    const chatham = run('Pacific/Chatham');
    const utc = run('UTC');
    expect(chatham.stderr).toBe('');
    const lines = chatham.stdout.trim().split('\n');
    expect(lines[0]).toBe('Pacific/Chatham');
    expect(utc.stdout.trim().split('\n')[0]).toBe('UTC');
    expect(lines.slice(1)).toEqual(utc.stdout.trim().split('\n').slice(1));
    expect(JSON.parse(lines[1]!)).toEqual(starts(berlin({ rrule: 'FREQ=DAILY;COUNT=10' })));
  });
});
