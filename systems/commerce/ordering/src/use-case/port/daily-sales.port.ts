import type { DailySalesReport, DailySalesTally, SalesFact } from '../../entity/daily-sales/daily-sales.report.js';

/** Where a report run stands in the source: opaque to the use case, JSON-serialisable. */
export type SalesCursor = Readonly<Record<string, string>>;

/** One page of facts and the cursor after its last one (null only when the page is empty). */
export interface SalesPage {
  readonly facts: readonly SalesFact[];
  readonly next: SalesCursor | null;
}

/**
 * Reads the facts of a window of time (confirmed and returned orders), in pages. The Postgres
 * adapter reads ordering's events table with plain SELECTs (no locks writers wait on); a
 * distributed engine (Spark over JDBC, a lakehouse fed from Kafka) would implement the same port
 * (docs/adr).
 */
export interface SalesEventsPort {
  /**
   * At most `limit` facts recorded in `[from, to)` (ISO 8601 instants) after `after` (null: from
   * the start of the window), in a stable order; fewer than `limit` means the window is exhausted.
   */
  readPage(
    window: { readonly from: string; readonly to: string },
    after: SalesCursor | null,
    limit: number,
  ): Promise<SalesPage>;
}

/** A report run: its id and where it stands (a resumed run continues from its checkpoint). */
export interface ReportRun {
  readonly id: string;
  readonly cursor: SalesCursor | null;
  readonly tally: DailySalesTally;
  readonly resumed: boolean;
  /** Pages checkpointed so far (the optimistic version of the run). */
  readonly pages: number;
}

/** Stores report runs (their checkpoints) and finished reports. */
export interface DailySalesReportsPort {
  /** The unfinished run of `day` in `timeZone` if any (resumed), else a new one with an empty tally. */
  startRun(day: string, timeZone: string, fresh: DailySalesTally): Promise<ReportRun>;
  /**
   * Records the cursor and tally of a run after its page number `page` (1-based), together, in one
   * statement, only if the run had `page − 1` pages.
   * @throws ReportRunConflictError when another run of the same day advanced it (or finished it)
   */
  checkpoint(runId: string, page: number, cursor: SalesCursor | null, tally: DailySalesTally): Promise<void>;
  /**
   * Replaces the report of its day and zone and marks the run done, in one transaction, only if the
   * run still has `pages` pages and is unfinished.
   * @throws ReportRunConflictError otherwise (nothing is written)
   */
  complete(runId: string, pages: number, report: DailySalesReport): Promise<void>;
  /** The reports of the days `from`..`to` (inclusive, YYYY-MM-DD), oldest first. */
  list(from: string, to: string): Promise<readonly (DailySalesReport & { readonly generatedAt: string })[]>;
}

/** Nest injection token of {@link SalesEventsPort}. */
export const SALES_EVENTS = Symbol('SalesEventsPort');
/** Nest injection token of {@link DailySalesReportsPort}. */
export const DAILY_SALES_REPORTS = Symbol('DailySalesReportsPort');
