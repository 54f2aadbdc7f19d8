import { afterEach, describe, expect, it, vi } from 'vitest';
import { dailySalesReport, dayWindow, emptyTally } from '../../entity/daily-sales/daily-sales.report.js';
import type { GenerateDailySalesReportUseCase } from '../../use-case/daily-sales-report/generate-daily-sales-report.use-case.js';
import { dailySalesReportCommand } from './daily-sales-report.command.js';

const calls: Array<[string, string]> = [];
const useCase = {
  async execute(day: string, timeZone: string) {
    dayWindow(day, timeZone); // the real validation (InvalidReportRequestError)
    calls.push([day, timeZone]);
    return { report: dailySalesReport(day, timeZone, emptyTally()), runId: 'r', resumed: false, pages: 0 };
  },
} as unknown as GenerateDailySalesReportUseCase;
const now = () => new Date('2026-12-06T00:30:00Z');

afterEach(() => {
  calls.length = 0;
  vi.restoreAllMocks();
});

describe('report daily-sales command', () => {
  it('reports --date in --time-zone, or yesterday in the default zone', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(
      await dailySalesReportCommand(useCase, ['daily-sales', '--date', '2026-12-05'], { timeZone: 'UTC', now }),
    ).toBe(0);
    expect(await dailySalesReportCommand(useCase, ['daily-sales'], { timeZone: 'UTC', now })).toBe(0);
    // 00:30 UTC on the 6th is 16:30 on the 5th in Los Angeles: yesterday there is the 4th.
    expect(
      await dailySalesReportCommand(useCase, ['daily-sales', '--time-zone', 'America/Los_Angeles'], {
        timeZone: 'UTC',
        now,
      }),
    ).toBe(0);
    expect(calls).toEqual([
      ['2026-12-05', 'UTC'],
      ['2026-12-05', 'UTC'],
      ['2026-12-04', 'America/Los_Angeles'],
    ]);
  });

  it('answers 2 with the usage on a bad report, option, day or zone', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const args of [
      ['weekly'],
      [],
      ['daily-sales', '--day', 'x'],
      ['daily-sales', '--date', '2026-13-01'],
      ['daily-sales', '--time-zone', 'Nowhere/Else'],
    ])
      expect(await dailySalesReportCommand(useCase, args, { timeZone: 'UTC', now })).toBe(2);
    expect(calls).toEqual([]);
    expect(errors.mock.calls.every(([m]) => String(m).includes('usage: main.js report daily-sales'))).toBe(true);
  });
});
