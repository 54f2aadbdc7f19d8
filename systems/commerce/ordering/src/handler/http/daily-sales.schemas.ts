import { z } from 'zod';

const date = z.iso.date({ error: 'must be a calendar date YYYY-MM-DD' });

/** `?from=&to=`: the days of the reports (inclusive; at most 366 days). */
export const dailySalesQuery = z
  .object({ from: date.describe('First day, YYYY-MM-DD'), to: date.describe('Last day, YYYY-MM-DD (inclusive)') })
  .strict();
export type DailySalesQueryDto = z.infer<typeof dailySalesQuery>;

const topProduct = z.object({
  productId: z.string(),
  units: z.number().int(),
  revenue: z.number().int().describe('Minor units'),
});

const example = {
  day: '2026-12-05',
  timeZone: 'UTC',
  currency: 'USD',
  orders: 2,
  units: 3,
  gross: 4500,
  returns: 1,
  refunds: 1500,
  net: 3000,
  topByUnits: [{ productId: '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d', units: 3, revenue: 4500 }],
  topByRevenue: [{ productId: '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d', units: 3, revenue: 4500 }],
  hourly: [{ hour: 9, orders: 2, gross: 4500 }],
  generatedAt: '2026-12-06T01:00:03.120Z',
};

/** One day's report as JSON (amounts in minor units of `currency`). */
export const dailySalesReportDto = z
  .object({
    day: z.string().describe('YYYY-MM-DD, a local date of timeZone'),
    timeZone: z.string().describe('IANA zone the day is counted in'),
    currency: z.string().nullable().describe('ISO 4217; null on a day without sales'),
    orders: z.number().int().describe('Orders confirmed that day'),
    units: z.number().int().describe('Units of those orders'),
    gross: z.number().int().describe('Their totals, minor units'),
    returns: z.number().int().describe('Orders returned that day'),
    refunds: z.number().int().describe('Refunded, minor units'),
    net: z.number().int().describe('gross − refunds, minor units'),
    topByUnits: z.array(topProduct).describe('10 products with most units'),
    topByRevenue: z.array(topProduct).describe('10 products with most revenue'),
    hourly: z
      .array(z.object({ hour: z.number().int(), orders: z.number().int(), gross: z.number().int() }))
      .describe('Orders and gross per local hour 0–23 (all 24 hours)'),
    generatedAt: z.string().describe('When the batch job wrote the report'),
  })
  .meta({ id: 'DailySalesReport', examples: [example] });

/** The reports of a range, oldest first (a day the job has not run for is absent). */
export const dailySalesReportsDto = z
  .object({ items: z.array(dailySalesReportDto) })
  .meta({ id: 'DailySalesReports', examples: [{ items: [example] }] });

/** CSV columns, in order (RFC 4180, one line per report). */
export const DAILY_SALES_CSV_COLUMNS = [
  'day',
  'timeZone',
  'currency',
  'orders',
  'units',
  'gross',
  'returns',
  'refunds',
  'net',
] as const;

/** RFC 4180 CSV (CRLF line ends, a header line) of the reports' totals. */
export function dailySalesCsv(reports: readonly Record<(typeof DAILY_SALES_CSV_COLUMNS)[number], unknown>[]): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [
    DAILY_SALES_CSV_COLUMNS.join(','),
    ...reports.map((r) => DAILY_SALES_CSV_COLUMNS.map((c) => cell(r[c])).join(',')),
  ]
    .map((line) => `${line}\r\n`)
    .join('');
}

/** The CSV of the OpenAPI example (the JSON example's totals). */
export const DAILY_SALES_CSV_EXAMPLE = dailySalesCsv([example]);
