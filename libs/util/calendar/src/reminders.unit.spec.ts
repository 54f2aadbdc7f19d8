import { describe, expect, it } from 'vitest';
import type { Schedule } from './recurrence.js';
import { dueReminders, parseReminderOffset, reminderDueAt, validateReminders } from './reminders.js';

const berlinAt = (start: string) => ({ allDay: false as const, start, timeZone: 'Europe/Berlin' });
const daily: Schedule = {
  timeZone: 'Europe/Berlin',
  allDay: false,
  start: '2026-03-27T09:00',
  end: '2026-03-27T10:00',
  rrule: 'FREQ=DAILY;COUNT=4',
};

describe('reminder offsets (RFC 5545 §3.3.6 durations)', () => {
  it('given an event at 09:00 Berlin on 30 March, when the reminder is -PT15M, then it fires 15 minutes before', () =>
    expect(reminderDueAt(berlinAt('2026-03-30T07:00:00Z'), { offset: '-PT15M' })).toBe('2026-03-30T06:45:00Z'));

  it('counts days as nominal: -P2D across the DST change is 09:00 local two days before, one hour off -PT48H', () => {
    expect(reminderDueAt(berlinAt('2026-03-30T07:00:00Z'), { offset: '-P2D' })).toBe('2026-03-28T08:00:00Z');
    expect(reminderDueAt(berlinAt('2026-03-30T07:00:00Z'), { offset: '-PT48H' })).toBe('2026-03-28T07:00:00Z');
  });

  it('counts -P1D into the autumn change the same way', () =>
    expect(reminderDueAt(berlinAt('2026-10-26T08:00:00Z'), { offset: '-P1D' })).toBe('2026-10-25T08:00:00Z'));

  it('anchors an all-day date at 00:00 in the owner zone', () => {
    expect(reminderDueAt({ allDay: true, date: '2026-03-30', timeZone: 'Europe/Berlin' }, { offset: '-PT12H' })).toBe(
      '2026-03-29T10:00:00Z',
    );
    expect(reminderDueAt({ allDay: true, date: '2026-03-30', timeZone: 'America/New_York' }, { offset: 'PT9H' })).toBe(
      '2026-03-30T13:00:00Z',
    );
  });

  it('keeps absolute reminders as they are', () =>
    expect(reminderDueAt(berlinAt('2026-03-30T07:00:00Z'), { at: '2026-03-01T12:00:00+01:00' })).toBe(
      '2026-03-01T11:00:00Z',
    ));

  it('accepts RFC 5545 durations only', () => {
    for (const ok of ['-PT15M', '-P1D', '-P1W', 'PT0S', '-P1DT2H30M', '+PT5M'])
      expect(parseReminderOffset(ok), ok).toBeDefined();
    for (const bad of ['-P1M', '-P1Y', 'P', '-PT', '15m', '-P1W2D', '-P400D', 'PT1.5H', 42])
      expect(parseReminderOffset(bad), String(bad)).toBeUndefined();
  });

  it('names the bad reminder fields', () =>
    expect(
      validateReminders([
        { offset: '-PT15M' },
        { offset: 'soon' },
        { at: 'tomorrow' },
        {},
        { offset: '-PT1M', at: '2026-01-01T00:00:00Z' },
      ]).map((p) => p.field),
    ).toEqual(['reminders/1/offset', 'reminders/2/at', 'reminders/3', 'reminders/4']));
});

describe('due reminders of a recurring event in a window', () => {
  it('gives one reminder per occurrence per relative offset, sorted by due time', () => {
    const due = dueReminders(daily, [{ offset: '-PT15M' }, { offset: '-P1D' }], {
      from: '2026-03-28T00:00:00Z',
      to: '2026-03-30T00:00:00Z',
    });
    expect(due).toEqual(
      [
        {
          recurrenceId: '2026-03-29T09:00:00',
          reminderIndex: 1,
          occurrenceStart: '2026-03-29T07:00:00Z',
          dueAt: '2026-03-28T08:00:00Z',
        },
        {
          recurrenceId: '2026-03-28T09:00:00',
          reminderIndex: 0,
          occurrenceStart: '2026-03-28T08:00:00Z',
          dueAt: '2026-03-28T07:45:00Z',
        },
        {
          recurrenceId: '2026-03-30T09:00:00',
          reminderIndex: 1,
          occurrenceStart: '2026-03-30T07:00:00Z',
          dueAt: '2026-03-29T07:00:00Z',
        },
        {
          recurrenceId: '2026-03-29T09:00:00',
          reminderIndex: 0,
          occurrenceStart: '2026-03-29T07:00:00Z',
          dueAt: '2026-03-29T06:45:00Z',
        },
      ].sort((a, b) => a.dueAt.localeCompare(b.dueAt)),
    );
  });

  it('follows a moved occurrence and skips a cancelled one', () => {
    const schedule: Schedule = {
      ...daily,
      overrides: [
        { recurrenceId: '2026-03-28T09:00', start: '2026-03-28T18:00', end: '2026-03-28T19:00' },
        { recurrenceId: '2026-03-29T09:00', cancelled: true },
      ],
    };
    expect(
      dueReminders(schedule, [{ offset: '-PT15M' }], { from: '2026-03-28T00:00:00Z', to: '2026-03-30T00:00:00Z' }).map(
        (d) => [d.recurrenceId, d.dueAt],
      ),
    ).toEqual([['2026-03-28T09:00:00', '2026-03-28T16:45:00Z']]);
  });

  it('fires an absolute reminder once, only in its window', () => {
    const reminders = [{ at: '2026-03-26T12:00:00Z' }];
    expect(dueReminders(daily, reminders, { from: '2026-03-26T00:00:00Z', to: '2026-03-27T00:00:00Z' })).toEqual([
      { recurrenceId: null, reminderIndex: 0, occurrenceStart: null, dueAt: '2026-03-26T12:00:00Z' },
    ]);
    expect(dueReminders(daily, reminders, { from: '2026-03-27T00:00:00Z', to: '2026-04-27T00:00:00Z' })).toEqual([]);
  });

  it('treats the window as half-open [from, to)', () => {
    const reminders = [{ offset: 'PT0S' }];
    expect(
      dueReminders(daily, reminders, { from: '2026-03-27T08:00:00Z', to: '2026-03-28T08:00:00Z' }).map((d) => d.dueAt),
    ).toEqual(['2026-03-27T08:00:00Z']);
  });

  it('reminds of all-day occurrences in the owner zone', () => {
    const allDay: Schedule = {
      timeZone: 'Europe/Berlin',
      allDay: true,
      start: '2026-03-30',
      end: '2026-03-31',
      rrule: 'FREQ=WEEKLY;COUNT=2',
    };
    expect(
      dueReminders(
        allDay,
        [{ offset: '-PT12H' }],
        { from: '2026-03-01T00:00:00Z', to: '2026-05-01T00:00:00Z' },
        'Asia/Tokyo',
      ).map((d) => d.dueAt),
    ).toEqual(['2026-03-29T03:00:00Z', '2026-04-05T03:00:00Z']);
  });
});
