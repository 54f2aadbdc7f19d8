import {
  ApiProblemResponses,
  ApiZodResponse,
  currentRequestContext,
  ZodParams,
  ZodQuery,
} from '@archipelago/platform-service';
import { Controller, Get, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GetEventQuery } from '../../use-case/get-event/get-event.query.js';
import type { EventRecord } from '../../use-case/port/event.read-model.port.js';
import { ListOccurrencesQuery } from '../../use-case/list-occurrences/list-occurrences.query.js';
import type { OccurrenceItem } from '../../use-case/list-occurrences/list-occurrences.use-case.js';
import { personalWorkspaceId } from '../../use-case/workspace-access.js';
import { eventDto, eventIdParams, getEventQuery, occurrencesDto, occurrencesQuery } from './calendar-event.schemas.js';

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

  @Get(':id')
  @ApiOperation({
    summary: 'One calendar event',
    description:
      'From the read model, for a member of its workspace (else 404); ETag carries its version (for If-Match). `minVersion` waits up to 2 s for the read model to reach that version, else 409.',
  })
  @ApiZodResponse(200, eventDto)
  @ApiProblemResponses(400, 401, 404, 409)
  async get(
    @ZodParams(eventIdParams) params: { id: string },
    @ZodQuery(getEventQuery) query: { minVersion?: number },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const record: EventRecord = await this.queries.execute(
      new GetEventQuery(params.id, currentRequestContext()?.actor?.id ?? '', query.minVersion),
    );
    reply.header('ETag', `"${record.version}"`);
    return { id: record.eventId, version: record.version, ...record.fields };
  }
}
