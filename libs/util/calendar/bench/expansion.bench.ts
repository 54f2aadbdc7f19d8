/**
 * `npm run bench -- recurrence`: occurrence expansion, the work behind
 * `GET /scheduling/v1/events/occurrences?from=&to=` and the reminder planner. Three ways to expand the
 * same series into the same window, each in a closed loop for BENCH_SECONDS, alternating over
 * BENCH_ROUNDS rounds; figures are medians over rounds, ratios per round against the baseline
 * (`rrule-temporal` `between()` called directly, without our validation and formatting):
 *   util-calendar  `expandOccurrences` (validates the schedule, applies overrides, formats instants)
 *   rrule-temporal `RRuleTemporal.between` on a prepared rule (baseline)
 *   ical.js        `Event.iterator()` over a parsed VEVENT with the VTIMEZONE registered (another expander)
 * Series: daily 09:00 Europe/Berlin, one EXDATE, one moved occurrence; window: one month across the
 * DST change (31 occurrences), and a weekly endless rule looked at 10 years later (a far window).
 * Writes `reports/bench/recurrence.json`. Environment: BENCH_ROUNDS (3), BENCH_SECONDS (1),
 * BENCH_REPORT.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ICAL from 'ical.js';
import { RRuleTemporal } from 'rrule-temporal';
import { expandOccurrences, type Schedule, Temporal } from '../src/index.js';

const config = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  seconds: Number(process.env.BENCH_SECONDS ?? 1),
  report: resolve(process.env.BENCH_REPORT ?? 'reports/bench/recurrence.json'),
};

interface Case {
  readonly name: string;
  readonly schedule: Schedule;
  readonly window: { from: string; to: string };
}
const cases: Case[] = [
  {
    name: 'daily, 1 month across DST',
    schedule: {
      timeZone: 'Europe/Berlin',
      allDay: false,
      start: '2026-03-01T09:00',
      end: '2026-03-01T09:30',
      rrule: 'FREQ=DAILY',
      exdates: ['2026-03-10T09:00'],
      overrides: [{ recurrenceId: '2026-03-12T09:00', start: '2026-03-12T15:00', end: '2026-03-12T15:30' }],
    },
    window: { from: '2026-03-15T00:00:00Z', to: '2026-04-15T00:00:00Z' },
  },
  {
    name: 'weekly MO,WE, 1 month 10 years on',
    schedule: {
      timeZone: 'Europe/Berlin',
      allDay: false,
      start: '2026-03-02T09:00',
      end: '2026-03-02T10:00',
      rrule: 'FREQ=WEEKLY;BYDAY=MO,WE',
    },
    window: { from: '2036-03-15T00:00:00Z', to: '2036-04-15T00:00:00Z' },
  },
];

function compact(local: string): string {
  return local.replace(/[-:]/g, '').padEnd(15, '0');
}

/** The three implementations of one case; each returns the number of occurrences it found. */
function implementations(c: Case): Record<string, () => number> {
  const s = c.schedule;
  const dtstart = Temporal.PlainDateTime.from(s.start).toZonedDateTime(s.timeZone);
  const rule = new RRuleTemporal({
    rruleString: s.rrule!,
    dtstart,
    exDate: (s.exdates ?? []).map((x) => Temporal.PlainDateTime.from(x).toZonedDateTime(s.timeZone)),
  });
  const from = new Date(c.window.from);
  const to = new Date(c.window.to);
  const ics = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:bench',
    getVtimezoneComponent(s.timeZone)!.trim(),
    'BEGIN:VEVENT',
    'UID:bench',
    `DTSTART;TZID=${s.timeZone}:${compact(s.start)}`,
    `DTEND;TZID=${s.timeZone}:${compact(s.end)}`,
    `RRULE:${s.rrule}`,
    ...(s.exdates ?? []).map((x) => `EXDATE;TZID=${s.timeZone}:${compact(x)}`),
    'END:VEVENT',
    'END:VCALENDAR',
  ].join('\r\n');
  const calendar = new ICAL.Component(ICAL.parse(ics));
  ICAL.TimezoneService.register(calendar.getFirstSubcomponent('vtimezone')!);
  const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
  const fromUnix = from.getTime() / 1000;
  const toUnix = to.getTime() / 1000;
  return {
    'rrule-temporal': () => rule.between(from, to, true).length,
    'util-calendar': () => expandOccurrences(s, c.window).length,
    'ical.js': () => {
      const it = event.iterator();
      let n = 0;
      for (let t = it.next(); t; t = it.next()) {
        const unix = t.toUnixTime();
        if (unix >= toUnix) break;
        if (unix >= fromUnix) n++;
      }
      return n;
    },
  };
}

function run(fn: () => number, seconds: number): { opsPerSecond: number; found: number } {
  let found = fn();
  const end = performance.now() + seconds * 1000;
  let ops = 0;
  const started = performance.now();
  while (performance.now() < end) {
    found = fn();
    ops++;
  }
  return { opsPerSecond: ops / ((performance.now() - started) / 1000), found };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const report: Record<string, unknown>[] = [];
for (const c of cases) {
  const impl = implementations(c);
  const names = Object.keys(impl);
  const ops: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const ratios: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const found: Record<string, number> = {};
  for (let round = 0; round < config.rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    const results: Record<string, number> = {};
    for (const name of order) {
      const r = run(impl[name]!, config.seconds);
      results[name] = r.opsPerSecond;
      found[name] = r.found;
      ops[name]!.push(r.opsPerSecond);
    }
    for (const name of names) ratios[name]!.push(results[name]! / results['rrule-temporal']!);
  }
  console.log(`\n${c.name} (${config.rounds} rounds × ${config.seconds} s each)`);
  console.log('implementation    expansions/s   per expansion   occurrences   vs rrule-temporal');
  for (const name of names) {
    const m = median(ops[name]!);
    console.log(
      `${name.padEnd(16)} ${m.toFixed(0).padStart(13)} ${`${(1e6 / m).toFixed(1)} µs`.padStart(15)} ${String(found[name]).padStart(13)} ${`${median(ratios[name]!).toFixed(2)}×`.padStart(19)}`,
    );
    report.push({
      case: c.name,
      implementation: name,
      opsPerSecond: m,
      microsPerExpansion: 1e6 / m,
      occurrences: found[name],
      ratioToBaseline: median(ratios[name]!),
    });
  }
}
mkdirSync(dirname(config.report), { recursive: true });
writeFileSync(config.report, JSON.stringify({ node: process.version, config, results: report }, null, 2));
console.log(`\nreport: ${config.report}`);
