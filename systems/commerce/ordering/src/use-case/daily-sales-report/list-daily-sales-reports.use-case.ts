import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InvalidReportRequestError, type DailySalesReport } from '../../entity/daily-sales/daily-sales.report.js';
import { DAILY_SALES_REPORTS, type DailySalesReportsPort } from '../port/daily-sales.port.js';
import { ListDailySalesReportsQuery } from './list-daily-sales-reports.query.js';

/** The longest range one request may ask for, in days. */
export const MAX_REPORT_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;

/** @throws InvalidReportRequestError (422) when `from` > `to` or the range exceeds {@link MAX_REPORT_RANGE_DAYS} */
@QueryHandler(ListDailySalesReportsQuery)
export class ListDailySalesReportsUseCase implements IQueryHandler<
  ListDailySalesReportsQuery,
  readonly (DailySalesReport & { readonly generatedAt: string })[]
> {
  constructor(@Inject(DAILY_SALES_REPORTS) private readonly reports: DailySalesReportsPort) {}

  async execute({ from, to }: ListDailySalesReportsQuery) {
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
    if (!(days >= 1)) throw new InvalidReportRequestError(`from ${from} is after to ${to}`);
    if (days > MAX_REPORT_RANGE_DAYS)
      throw new InvalidReportRequestError(`a range holds at most ${MAX_REPORT_RANGE_DAYS} days`);
    return this.reports.list(from, to);
  }
}
