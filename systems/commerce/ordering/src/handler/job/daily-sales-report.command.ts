import { parseArgs } from 'node:util';
import { Temporal } from '@archipelago/util-calendar';
import { DomainError } from '@archipelago/util-decider';
import type { GenerateDailySalesReportUseCase } from '../../use-case/daily-sales-report/generate-daily-sales-report.use-case.js';

const USAGE =
  'usage: main.js report daily-sales --date YYYY-MM-DD [--time-zone <IANA zone>]  (default zone: REPORT_TIME_ZONE or UTC)';

/**
 * The batch job's entry: `main.js report daily-sales --date 2026-12-05 [--time-zone Europe/Paris]`.
 * Without `--date`, yesterday in the report's zone, which is what the CronJob runs. Logs one
 * JSON line `daily sales report` with the totals and returns 0; bad arguments or a bad day/zone:
 * a message on stderr and 2; another run of the same day going on at once: a message and 1.
 */
export async function dailySalesReportCommand(
  useCase: GenerateDailySalesReportUseCase,
  args: readonly string[],
  defaults: { readonly timeZone: string; readonly now?: () => Date },
): Promise<number> {
  let values: { date?: string; 'time-zone'?: string };
  let report: string | undefined;
  try {
    const parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { date: { type: 'string' }, 'time-zone': { type: 'string' } },
    });
    values = parsed.values;
    report = parsed.positionals[0];
    if (report !== 'daily-sales' || parsed.positionals.length !== 1)
      throw new Error(`unknown report ${report ?? '(none)'}`);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const now = defaults.now?.() ?? new Date();
  const timeZone = values['time-zone'] ?? defaults.timeZone;
  let day = values.date;
  try {
    day ??= Temporal.Instant.fromEpochMilliseconds(now.getTime())
      .toZonedDateTimeISO(timeZone)
      .toPlainDate()
      .subtract({ days: 1 })
      .toString();
  } catch {
    console.error(`time zone ${JSON.stringify(timeZone)} is unknown\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  try {
    const { report: r, runId, resumed, pages } = await useCase.execute(day, timeZone);
    console.log(
      JSON.stringify({
        level: 30,
        msg: 'daily sales report',
        day: r.day,
        timeZone: r.timeZone,
        currency: r.currency,
        orders: r.orders,
        units: r.units,
        gross: r.gross,
        refunds: r.refunds,
        net: r.net,
        runId,
        resumed,
        pages,
        ms: Math.round(performance.now() - started),
      }),
    );
    return 0;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'REPORT.RUN_CONFLICT') {
      console.error(`${error.message}: another run of ${day} (${timeZone}) is going on; it writes the report`);
      return 1;
    }
    if (error instanceof DomainError && error.code === 'REPORT.INVALID') {
      console.error(`${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}
