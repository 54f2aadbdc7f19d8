import { describe, expect, it } from 'vitest';
import {
  ReportRunConflictError,
  type DailySalesReport,
  type DailySalesTally,
  type SalesFact,
} from '../../entity/daily-sales/daily-sales.report.js';
import type { DailySalesReportsPort, ReportRun, SalesCursor, SalesEventsPort } from '../port/daily-sales.port.js';
import { GenerateDailySalesReportUseCase } from './generate-daily-sales-report.use-case.js';

/** In-memory facts ordered by `at`; the cursor is the index of the next fact. */
class MemorySales implements SalesEventsPort {
  reads = 0;
  failAfterReads = Infinity;
  constructor(readonly facts: SalesFact[]) {}
  async readPage(window: { from: string; to: string }, after: SalesCursor | null, limit: number) {
    if (this.reads++ >= this.failAfterReads) throw new Error('killed');
    const inWindow = this.facts.filter((f) => f.at >= window.from && f.at < window.to);
    const start = after ? Number(after['index']) : 0;
    const facts = inWindow.slice(start, start + limit);
    return { facts, next: facts.length ? { index: String(start + facts.length) } : null };
  }
}

class MemoryReports implements DailySalesReportsPort {
  runs = new Map<string, ReportRun & { day: string; timeZone: string; done: boolean }>();
  reports = new Map<string, DailySalesReport>();
  async startRun(day: string, timeZone: string, fresh: DailySalesTally): Promise<ReportRun> {
    const open = [...this.runs.values()].find((r) => r.day === day && r.timeZone === timeZone && !r.done);
    if (open) return { ...open, resumed: true };
    const run = {
      id: `run-${this.runs.size + 1}`,
      cursor: null,
      tally: fresh,
      resumed: false,
      pages: 0,
      day,
      timeZone,
      done: false,
    };
    this.runs.set(run.id, run);
    return run;
  }
  async checkpoint(runId: string, page: number, cursor: SalesCursor | null, tally: DailySalesTally) {
    const run = this.runs.get(runId)!;
    if (run.pages !== page - 1 || run.done) throw new ReportRunConflictError(runId);
    this.runs.set(runId, { ...run, pages: page, cursor, tally: structuredClone(tally) });
  }
  async complete(runId: string, pages: number, report: DailySalesReport) {
    const run = this.runs.get(runId)!;
    if (run.pages !== pages || run.done) throw new ReportRunConflictError(runId);
    run.done = true;
    this.reports.set(`${report.day}/${report.timeZone}`, report);
  }
  async list() {
    return [...this.reports.values()].map((r) => ({ ...r, generatedAt: '' }));
  }
}

const order = (i: number, at: string): SalesFact => ({
  kind: 'confirmed',
  orderId: `o${i}`,
  at,
  items: [{ productId: 'p', quantity: 1, unitPrice: { amount: 100, currency: 'USD' } }],
  total: { amount: 100, currency: 'USD' },
});

describe('GenerateDailySalesReportUseCase', () => {
  const facts = [
    order(0, '2026-12-04T23:59:59Z'),
    ...Array.from({ length: 7 }, (_, i) => order(i + 1, `2026-12-05T1${i}:00:00Z`)),
    order(9, '2026-12-06T00:00:00Z'),
  ];

  it('reports only the day, page by page, and a rerun replaces the report', async () => {
    const reports = new MemoryReports();
    const useCase = new GenerateDailySalesReportUseCase(new MemorySales(facts), reports, 3);
    const first = await useCase.execute('2026-12-05', 'UTC');
    expect(first).toMatchObject({ pages: 3, resumed: false, report: { orders: 7, gross: 700 } });
    const again = await useCase.execute('2026-12-05', 'UTC');
    expect(again.report).toEqual(first.report);
    expect(reports.reports.size).toBe(1);
  });

  it('resumes a killed run from its checkpoint, counting each order once', async () => {
    const reports = new MemoryReports();
    const source = new MemorySales(facts);
    source.failAfterReads = 2;
    const useCase = new GenerateDailySalesReportUseCase(source, reports, 3);
    await expect(useCase.execute('2026-12-05', 'UTC')).rejects.toThrow('killed');
    expect(reports.reports.size).toBe(0);
    source.failAfterReads = Infinity;
    source.reads = 0;
    const resumed = await useCase.execute('2026-12-05', 'UTC');
    expect(resumed).toMatchObject({ resumed: true, pages: 1, report: { orders: 7, units: 7 } });
  });
});
