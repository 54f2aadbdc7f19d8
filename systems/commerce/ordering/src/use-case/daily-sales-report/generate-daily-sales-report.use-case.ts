import {
  dailySalesReport,
  dayWindow,
  emptyTally,
  tallySales,
  type DailySalesReport,
} from '../../entity/daily-sales/daily-sales.report.js';
import type { DailySalesReportsPort, SalesEventsPort } from '../port/daily-sales.port.js';

/** What a run did: the report and how it ran. */
export interface DailySalesRunResult {
  readonly report: DailySalesReport;
  readonly runId: string;
  readonly resumed: boolean;
  /** Pages read by this invocation (a resumed run reads only what its checkpoint had not covered). */
  readonly pages: number;
}

/**
 * The daily sales batch job: reads the confirmed and returned orders of one day through
 * {@link SalesEventsPort} page by page, checkpoints the running tally after each page (a killed run
 * resumes from there), then replaces the day's report in one transaction (running a day twice
 * replaces it). Holds no transaction across pages.
 */
export class GenerateDailySalesReportUseCase {
  constructor(
    private readonly source: SalesEventsPort,
    private readonly reports: DailySalesReportsPort,
    private readonly pageSize = 5000,
  ) {}

  /**
   * @param day YYYY-MM-DD, a local date of `timeZone`
   * @param timeZone an IANA zone (`UTC`, `Europe/Paris`)
   * @throws InvalidReportRequestError on a bad day or zone; ReportCurrencyMismatchError on mixed
   *   currencies; ReportRunConflictError when another run of the same day advanced the checkpoint
   */
  async execute(day: string, timeZone: string): Promise<DailySalesRunResult> {
    const window = dayWindow(day, timeZone);
    const run = await this.reports.startRun(day, timeZone, emptyTally());
    let { cursor, tally } = run;
    let pages = 0;
    let version = run.pages;
    for (;;) {
      const page = await this.source.readPage(window, cursor, this.pageSize);
      if (page.facts.length === 0) break;
      pages += 1;
      tally = tallySales(tally, page.facts, timeZone);
      cursor = page.next;
      version += 1;
      await this.reports.checkpoint(run.id, version, cursor, tally);
      if (page.facts.length < this.pageSize) break;
    }
    const report = dailySalesReport(day, timeZone, tally);
    await this.reports.complete(run.id, version, report);
    return { report, runId: run.id, resumed: run.resumed, pages };
  }
}
