import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { fromICalendar, reminderToVAlarm, toICalendar, type ICalendarEvent } from './icalendar.js';
import { expandOccurrences } from './recurrence.js';

const now = '2026-03-01T12:00:00Z';
const years = { from: '2026-01-01T00:00:00Z', to: '2028-01-01T00:00:00Z' };
const events: ICalendarEvent[] = [
  {
    uid: 'standup@archipelago',
    title: 'Stand-up; daily, in Berlin',
    description: 'Line one\nline two',
    location: 'Room 4',
    sequence: 3,
    updatedAt: '2026-02-20T10:00:00Z',
    // Exact hours, nominal weeks, an absolute instant: each must come back as written.
    reminders: [{ offset: '-PT15M' }, { offset: '-PT24H' }, { offset: '-P1W' }, { at: '2026-03-26T20:00:00Z' }],
    schedule: {
      timeZone: 'Europe/Berlin',
      allDay: false,
      start: '2026-03-27T09:00',
      end: '2026-03-27T09:15',
      rrule: 'FREQ=DAILY;UNTIL=20260405T215959Z',
      exdates: ['2026-03-29T09:00'],
      rdates: ['2026-04-11T10:00'],
      overrides: [
        {
          recurrenceId: '2026-03-31T09:00:00',
          start: '2026-03-31T14:00',
          end: '2026-03-31T14:30',
          title: 'Stand-up, late (moved)',
        },
        { recurrenceId: '2026-04-02T09:00', cancelled: true },
      ],
    },
  },
  {
    uid: 'sync@archipelago',
    title: 'Weekly sync',
    updatedAt: '2026-02-21T10:00:00Z',
    schedule: {
      timeZone: 'America/New_York',
      allDay: false,
      start: '2026-03-02T16:00',
      end: '2026-03-02T17:00',
      rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=8',
    },
  },
  {
    uid: 'holiday@archipelago',
    title: 'Holiday',
    updatedAt: '2026-02-22T10:00:00Z',
    reminders: [{ offset: '-P1D' }, { offset: 'PT9H' }],
    schedule: {
      timeZone: 'Europe/Berlin',
      allDay: true,
      start: '2026-04-03',
      end: '2026-04-07',
      rrule: 'FREQ=YEARLY;COUNT=2',
    },
  },
  {
    uid: 'dentist@archipelago',
    title: 'Dentist',
    updatedAt: '2026-02-23T10:00:00Z',
    schedule: {
      timeZone: 'Asia/Kolkata',
      allDay: false,
      start: '2026-05-05T08:30',
      end: '2026-05-05T09:00',
      rdates: ['2026-06-05T08:30'],
    },
  },
];
const occurrencesOf = (list: readonly ICalendarEvent[]) =>
  list.map((e) => ({ uid: e.uid, occurrences: expandOccurrences(e.schedule, years) }));
const withoutStamps = (ics: string) => ics.replace(/^DTSTAMP:.*$/gm, '');

describe('iCalendar export', () => {
  const ics = toICalendar({ name: 'Team', events });

  it('writes a VCALENDAR with a VTIMEZONE for each zone and TZID times', () => {
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    for (const tz of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata'])
      expect(ics).toContain(`BEGIN:VTIMEZONE\r\nTZID:${tz}`);
    expect(ics).toContain('DTSTART;TZID=Europe/Berlin:20260327T090000');
  });

  it('keeps RRULE, EXDATE (cancelled occurrences included), RDATE and RECURRENCE-ID', () => {
    expect(ics).toContain('RRULE:FREQ=DAILY;UNTIL=20260405T215959Z');
    expect(ics).toContain('EXDATE;TZID=Europe/Berlin:20260329T090000,20260402T090000');
    expect(ics).toContain('RDATE;TZID=Europe/Berlin:20260411T100000');
    expect(ics).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20260331T090000');
  });

  it('writes a retitled occurrence with its own SUMMARY and reads it back as the override title', () => {
    const override = ics.split('BEGIN:VEVENT').find((v) => v.includes('RECURRENCE-ID'))!;
    expect(override).toContain('SUMMARY:Stand-up\\, late (moved)');
    const back = fromICalendar(ics, { now }).events[0]!.schedule.overrides;
    expect(back).toContainEqual({
      recurrenceId: '2026-03-31T09:00:00',
      start: '2026-03-31T14:00:00',
      end: '2026-03-31T14:30:00',
      title: 'Stand-up, late (moved)',
    });
  });

  it('writes an occurrence’s own description and location (read with ical.js) and reads them back as the override’s', () => {
    const talk: ICalendarEvent = {
      uid: 'talk@archipelago',
      title: 'Talk',
      description: 'Series notes',
      location: 'Room 1',
      updatedAt: '2026-02-20T10:00:00Z',
      schedule: {
        timeZone: 'Europe/Berlin',
        allDay: false,
        start: '2026-03-02T10:00:00',
        end: '2026-03-02T11:00:00',
        rrule: 'FREQ=WEEKLY;COUNT=3',
        overrides: [
          {
            recurrenceId: '2026-03-09T10:00:00',
            start: '2026-03-09T10:00:00',
            end: '2026-03-09T11:00:00',
            description: 'Guest speaker, then questions',
            location: 'Hall B',
          },
        ],
      },
    };
    const text = toICalendar({ name: 'Talks', events: [talk] });
    const vevents = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent');
    const own = vevents.find((v) => v.hasProperty('recurrence-id'))!;
    const master = vevents.find((v) => !v.hasProperty('recurrence-id'))!;
    expect([own.getFirstPropertyValue('description'), own.getFirstPropertyValue('location')]).toEqual([
      'Guest speaker, then questions',
      'Hall B',
    ]);
    expect(own.getFirstPropertyValue('summary')).toBe('Talk');
    expect([master.getFirstPropertyValue('description'), master.getFirstPropertyValue('location')]).toEqual([
      'Series notes',
      'Room 1',
    ]);
    const back = fromICalendar(text, { now }).events[0]!;
    expect(back.schedule.overrides).toEqual(talk.schedule.overrides);
    const occurrence = expandOccurrences(back.schedule, { from: '2026-03-09T00:00:00Z', to: '2026-03-10T00:00:00Z' });
    expect(occurrence).toMatchObject([{ description: 'Guest speaker, then questions', location: 'Hall B' }]);
  });

  it('writes each reminder as a VALARM inside its VEVENT that ical.js reads: ACTION:DISPLAY, a DESCRIPTION, the exact TRIGGER', () => {
    const vevents = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent');
    const alarmsOf = (vevent: ICAL.Component) =>
      vevent.getAllSubcomponents('valarm').map((a) => {
        const trigger = a.getFirstProperty('trigger')!;
        return {
          action: a.getFirstPropertyValue('action'),
          description: a.getFirstPropertyValue('description'),
          trigger: `${trigger.type}:${trigger.getFirstValue()!.toString()}`,
        };
      });
    const standup = vevents.filter((v) => v.getFirstPropertyValue('uid') === 'standup@archipelago');
    const master = standup.find((v) => !v.hasProperty('recurrence-id'))!;
    const moved = standup.find((v) => v.hasProperty('recurrence-id'))!;
    const display = (description: string, trigger: string) => ({ action: 'DISPLAY', description, trigger });
    const title = 'Stand-up; daily, in Berlin';
    expect(alarmsOf(master)).toEqual([
      display(title, 'duration:-PT15M'),
      display(title, 'duration:-PT24H'),
      display(title, 'duration:-P1W'),
      display(title, 'date-time:2026-03-26T20:00:00Z'),
    ]);
    // The moved occurrence replaces its instance for a client: it carries the relative alarms (the
    // absolute one fires once, from the series), described by its own title.
    expect(alarmsOf(moved)).toEqual([
      display('Stand-up, late (moved)', 'duration:-PT15M'),
      display('Stand-up, late (moved)', 'duration:-PT24H'),
      display('Stand-up, late (moved)', 'duration:-P1W'),
    ]);
    expect(ics).toContain('TRIGGER;VALUE=DATE-TIME:20260326T200000Z');
    const sync = vevents.find((v) => v.getFirstPropertyValue('uid') === 'sync@archipelago')!;
    expect(sync.getAllSubcomponents('valarm')).toEqual([]);
  });

  it('refuses to write a malformed reminder', () => {
    expect(() => reminderToVAlarm({ offset: 'soon' }, 'x')).toThrow(RangeError);
    expect(() => reminderToVAlarm({ at: 'tomorrow' }, 'x')).toThrow(RangeError);
    expect(reminderToVAlarm({ offset: '+PT5M' }, '  ')).toContain('TRIGGER:PT5M\r\nDESCRIPTION:Reminder');
  });

  it('writes all-day dates as DATE values without a zone', () => {
    expect(ics).toContain('DTSTART;VALUE=DATE:20260403');
    expect(ics).toContain('DTEND;VALUE=DATE:20260407');
  });
});

describe('iCalendar export → import → export', () => {
  it('gives the same occurrences; the text is stable once ical.js has put rule parts in its order', () => {
    const first = toICalendar({ name: 'Team', events });
    const imported = fromICalendar(first, { now });
    expect(imported.problems).toEqual([]);
    expect(occurrencesOf(imported.events)).toEqual(occurrencesOf(events));
    // Reminders survive as written (events without any stay without: no VALARM, no `reminders` key).
    expect(imported.events.map((e) => e.reminders)).toEqual(events.map((e) => e.reminders));
    const second = toICalendar({ name: 'Team', events: imported.events });
    expect(occurrencesOf(fromICalendar(second, { now }).events)).toEqual(occurrencesOf(events));
    // The only textual change of the first round: ical.js writes COUNT before BYDAY.
    expect(withoutStamps(second)).toEqual(
      withoutStamps(first).replace('FREQ=WEEKLY;BYDAY=MO;COUNT=8', 'FREQ=WEEKLY;COUNT=8;BYDAY=MO'),
    );
    const third = toICalendar({ name: 'Team', events: fromICalendar(second, { now }).events });
    expect(withoutStamps(third)).toEqual(withoutStamps(second));
    expect(fromICalendar(third, { now }).events.map((e) => e.reminders)).toEqual(events.map((e) => e.reminders));
  });

  it('reads the 09:00 Berlin series as the RFC 5545 instants', () => {
    const imported = fromICalendar(toICalendar({ name: 'Team', events }), { now });
    expect(
      expandOccurrences(imported.events[0]!.schedule, { from: '2026-03-27T00:00:00Z', to: '2026-04-01T00:00:00Z' }).map(
        (o) => o.start,
      ),
    ).toEqual(['2026-03-27T08:00:00Z', '2026-03-28T08:00:00Z', '2026-03-30T07:00:00Z', '2026-03-31T12:00:00Z']);
  });
});

describe('iCalendar import from other clients', () => {
  const outlook = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN',
    'BEGIN:VTIMEZONE',
    'TZID:W. Europe Standard Time',
    'BEGIN:STANDARD',
    'DTSTART:16011028T030000',
    'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
    'TZOFFSETFROM:+0200',
    'TZOFFSETTO:+0100',
    'END:STANDARD',
    'BEGIN:DAYLIGHT',
    'DTSTART:16010325T020000',
    'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
    'TZOFFSETFROM:+0100',
    'TZOFFSETTO:+0200',
    'END:DAYLIGHT',
    'END:VTIMEZONE',
    'BEGIN:VEVENT',
    'UID:outlook-1',
    'SUMMARY:Review',
    'DTSTART;TZID=W. Europe Standard Time:20260710T090000',
    'DTEND;TZID=W. Europe Standard Time:20260710T100000',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:google-1',
    'SUMMARY:Call',
    'DTSTART;TZID=Europe/Berlin:20260601T090000',
    'DURATION:PT45M',
    'RRULE:FREQ=DAILY;COUNT=3',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:google-1',
    'RECURRENCE-ID;TZID=Europe/Berlin:20260602T090000',
    'STATUS:CANCELLED',
    'DTSTART;TZID=Europe/Berlin:20260602T090000',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:broken',
    'SUMMARY:No start',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:bad-rule',
    'DTSTART:20260601T090000Z',
    'DTEND:20260601T100000Z',
    'RRULE:FREQ=DAILY;COUNT=2;UNTIL=20260701T000000Z',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

  it('resolves a non-IANA TZID with its VTIMEZONE (kept in UTC, reported), DURATION, and a cancelled override', () => {
    const { events: read, problems } = fromICalendar(outlook, { now });
    expect(read.map((e) => e.uid)).toEqual(['outlook-1', 'google-1']);
    expect(expandOccurrences(read[0]!.schedule, years).map((o) => [o.start, o.end])).toEqual([
      ['2026-07-10T07:00:00Z', '2026-07-10T08:00:00Z'],
    ]);
    expect(expandOccurrences(read[1]!.schedule, years).map((o) => o.start)).toEqual([
      '2026-06-01T07:00:00Z',
      '2026-06-03T07:00:00Z',
    ]);
    expect(problems.map((p) => p.field)).toEqual(['events/0/timeZone', 'events/3/start', 'events/4/rrule']);
  });

  it('refuses a text that is not iCalendar', () => expect(() => fromICalendar('hello', { now })).toThrow());

  it('reads VALARM TRIGGERs as reminders (relative, absolute; duplicates once); no VALARM leaves reminders absent', () => {
    const alarm = (...trigger: string[]) => [
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      'DESCRIPTION:x',
      ...trigger,
      'END:VALARM',
    ];
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Apple Inc.//macOS 15//EN',
      'BEGIN:VEVENT',
      'UID:alarms',
      'SUMMARY:With alarms',
      'DTSTART;TZID=Europe/Berlin:20260601T090000',
      'DTEND;TZID=Europe/Berlin:20260601T100000',
      ...alarm('TRIGGER:-PT15M'),
      ...alarm('TRIGGER;RELATED=START:-P1D'),
      ...alarm('TRIGGER:-PT15M'),
      ...alarm('TRIGGER;VALUE=DATE-TIME:20260531T180000Z'),
      ...alarm('TRIGGER;RELATED=END:PT0S'),
      ...alarm('TRIGGER:-P400D'),
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:plain',
      'SUMMARY:No alarm',
      'DTSTART:20260601T090000Z',
      'DTEND:20260601T100000Z',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const { events: read, problems } = fromICalendar(ics, { now });
    expect(read[0]!.reminders).toEqual([{ offset: '-PT15M' }, { offset: '-P1D' }, { at: '2026-05-31T18:00:00Z' }]);
    expect(read[1]).not.toHaveProperty('reminders');
    expect(problems.map((p) => p.field)).toEqual(['events/0/reminders/4', 'events/0/reminders/5']);
  });
});
