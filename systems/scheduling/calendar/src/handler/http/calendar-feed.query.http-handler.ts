import { Public } from '@archipelago/platform-auth';
import {
  ApiProblemResponses,
  currentRequestContext,
  ProblemException,
  problemTypeUri,
  ZodParams,
  ZodQuery,
} from '@archipelago/platform-service';
import { Controller, Get, Header } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ExportCalendarQuery } from '../../use-case/export-calendar/export-calendar.query.js';

const feedParams = z.object({
  file: z
    .string()
    .regex(/^[^/]{1,250}\.ics$/, 'must be <workspaceId>.ics')
    .transform((f) => f.slice(0, -4)),
});
const feedQuery = z.object({
  token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a feed token from POST /scheduling/v1/calendars/{workspaceId}/feed-token')
    .optional()
    .describe('The caller’s secret feed token (instead of a bearer token), e.g. <feed token>'),
});

/**
 * The iCalendar feed of a workspace (the query role), for calendar clients: public at the edge (no jwt
 * plugin on this route), it needs either `?token=` (a member's current feed token) or a bearer token
 * of a member, checked here.
 */
@ApiTags('calendar')
@Controller('scheduling/v1/calendars')
export class CalendarFeedQueryHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get(':file')
  @Public()
  @Header('content-type', 'text/calendar; charset=utf-8')
  @ApiProduces('text/calendar')
  @ApiOperation({
    summary: 'A workspace as an iCalendar feed',
    description:
      '`GET /scheduling/v1/calendars/{workspaceId}.ics?token=<feed token>` (or with a bearer token of a member): every event, RFC 5545, with VTIMEZONE, RRULE, EXDATE/RDATE and overrides. 401 with neither; 404 for a token that is not a member’s current one.',
  })
  @ApiProblemResponses(400, 401, 404)
  async feed(
    @ZodParams(feedParams) params: { file: string },
    @ZodQuery(feedQuery) query: { token?: string },
  ): Promise<string> {
    const actorId = currentRequestContext()?.actor?.id;
    if (query.token === undefined && actorId === undefined) {
      throw new ProblemException(401, {
        type: problemTypeUri('unauthorized'),
        title: 'Unauthorized',
        detail: 'Send ?token=<feed token> (POST /scheduling/v1/calendars/{workspaceId}/feed-token) or a bearer token.',
      });
    }
    return this.queries.execute(new ExportCalendarQuery(params.file, actorId ?? '', query.token));
  }
}
