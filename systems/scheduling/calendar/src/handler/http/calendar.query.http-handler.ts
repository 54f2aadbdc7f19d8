import { ApiProblemResponses, ApiZodResponse, currentRequestContext, ZodQuery } from '@archipelago/platform-service';
import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListOccurrencesQuery } from '../../use-case/list-occurrences/list-occurrences.query.js';
import type { OccurrenceItem } from '../../use-case/list-occurrences/list-occurrences.use-case.js';
import { personalWorkspaceId } from '../../use-case/workspace-access.js';
import { occurrencesDto, occurrencesQuery } from './calendar-event.schemas.js';

/** Reads of `/scheduling/v1/events` (the query role), from the `calendar_event_list` read model. Own events only. */
@ApiTags('calendar')
@Controller('scheduling/v1/events')
export class CalendarQueryHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get('occurrences')
  @ApiOperation({
    summary: 'Occurrences in a window',
    description:
      'Every event of a workspace (the caller’s personal one by default; a member’s, else 404) expanded in its own time zone (RFC 5545) into the occurrences overlapping [from, to): UTC instants, sorted. 400 by field for a bad window or zone.',
  })
  @ApiZodResponse(200, occurrencesDto)
  @ApiProblemResponses(400, 401, 404)
  async occurrences(
    @ZodQuery(occurrencesQuery) query: { from?: string; to?: string; timeZone?: string; workspaceId?: string },
  ): Promise<{ items: OccurrenceItem[] }> {
    const actorId = currentRequestContext()?.actor?.id ?? '';
    return this.queries.execute(
      new ListOccurrencesQuery(
        query.workspaceId ?? personalWorkspaceId(actorId),
        query.from,
        query.to,
        query.timeZone ?? 'UTC',
        actorId,
      ),
    );
  }
}
