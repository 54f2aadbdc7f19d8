import { ApiProblemResponses, currentRequestContext, ZodParams } from '@archipelago/platform-service';
import { Controller, Get, Header } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ExportCalendarQuery } from '../../use-case/export-calendar/export-calendar.query.js';

const feedParams = z.object({
  file: z
    .string()
    .regex(/^[^/]{1,64}\.ics$/, 'must be <workspaceId>.ics')
    .transform((f) => f.slice(0, -4)),
});

/** The iCalendar feed of a workspace (the query role). Needs a bearer token of a member (feed tokens: not yet). */
@ApiTags('calendar')
@Controller('scheduling/v1/calendars')
export class CalendarFeedQueryHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get(':file')
  @Header('content-type', 'text/calendar; charset=utf-8')
  @ApiProduces('text/calendar')
  @ApiOperation({
    summary: 'A workspace as an iCalendar feed',
    description:
      '`GET /scheduling/v1/calendars/{workspaceId}.ics` (e.g. `personal:<your id>.ics`): every event, RFC 5545, with VTIMEZONE, RRULE, EXDATE/RDATE and overrides.',
  })
  @ApiProblemResponses(400, 401, 404)
  async feed(@ZodParams(feedParams) params: { file: string }): Promise<string> {
    return this.queries.execute(new ExportCalendarQuery(params.file, currentRequestContext()?.actor?.id ?? ''));
  }
}
