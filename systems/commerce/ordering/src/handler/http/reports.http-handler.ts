import { Roles } from '@archipelago/platform-auth';
import { ApiProblemResponses, ApiZodNegotiatedResponse, ZodQuery } from '@archipelago/platform-service';
import { Controller, Get, Headers, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { DailySalesReport } from '../../entity/daily-sales/daily-sales.report.js';
import { ListDailySalesReportsQuery } from '../../use-case/daily-sales-report/list-daily-sales-reports.query.js';
import {
  DAILY_SALES_CSV_EXAMPLE,
  dailySalesCsv,
  dailySalesQuery,
  dailySalesReportsDto,
  type DailySalesQueryDto,
} from './daily-sales.schemas.js';

/**
 * `/commerce/v1/reports`: the reports the batch jobs wrote (admin only). Content negotiation:
 * `Accept: text/csv` answers RFC 4180 CSV, anything else JSON.
 */
@ApiTags('reports')
@Controller('commerce/v1/reports')
@Roles('admin')
export class ReportsHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get('daily-sales')
  @ApiOperation({
    summary: 'Daily sales reports of a range of days (admin): JSON, or CSV with Accept: text/csv',
    description:
      'Written by the `report daily-sales` batch job (a CronJob). Amounts in minor units. The CSV holds the totals ' +
      '(day,timeZone,currency,orders,units,gross,returns,refunds,net); the top products and the hourly histogram are in the JSON. ' +
      'A range holds at most 366 days (422 otherwise).',
  })
  @ApiZodNegotiatedResponse(200, dailySalesReportsDto, {
    'text/csv': {
      schema: { type: 'string', description: 'RFC 4180, CRLF line ends, a header line' },
      example: DAILY_SALES_CSV_EXAMPLE,
    },
  })
  @ApiProblemResponses(400, 401, 403, 422)
  async dailySales(
    @ZodQuery(dailySalesQuery) query: DailySalesQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const items: readonly (DailySalesReport & { generatedAt: string })[] = await this.queries.execute(
      new ListDailySalesReportsQuery(query.from, query.to),
    );
    if (accept?.toLowerCase().includes('text/csv')) {
      void reply.header('content-type', 'text/csv; charset=utf-8').header('vary', 'Accept');
      return dailySalesCsv(items);
    }
    void reply.header('vary', 'Accept');
    return { items };
  }
}
