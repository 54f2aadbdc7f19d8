import {
  ApiProblemResponses,
  ApiZodResponse,
  currentRequestContext,
  ZodParams,
  ZodQuery,
} from '@archipelago/platform-service';
import { Controller, Get, Headers, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GetEventQuery } from '../../use-case/get-event/get-event.query.js';
import type { EventRecord } from '../../use-case/port/event.read-model.port.js';
import { ListOccurrencesQuery } from '../../use-case/list-occurrences/list-occurrences.query.js';
import type { OccurrenceItem } from '../../use-case/list-occurrences/list-occurrences.use-case.js';
import { personalWorkspaceId } from '../../use-case/workspace-access.js';
import {
  eventDto,
  eventIdParams,
  getEventQuery,
  ifNoneMatchVersions,
  occurrencesDto,
  occurrencesQuery,
} from './calendar-event.schemas.js';

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
      'From the read model, for a member of its workspace (else 404); ETag carries its version (for If-Match). `minVersion` — or the highest version named in `If-None-Match` (the ETag a write answered) — waits up to 2 s for the read model to reach that version, else 409. When the version reached is one `If-None-Match` names (or it is `*`), the answer is 304 Not Modified (RFC 9110 §13.1.2).',
  })
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description:
      'ETags ("<version>") the client has; the highest is waited for like minVersion. `*`: any version. Not an entity-tag list: ignored.',
    // No pattern: any value is a valid request (one that is not an entity-tag list is ignored).
    schema: { type: 'string' },
  })
  @ApiZodResponse(200, eventDto)
  @ApiResponse({ status: 304, description: 'Not Modified: the version reached is one If-None-Match names (ETag: it)' })
  @ApiProblemResponses(400, 401, 404, 409)
  async get(
    @ZodParams(eventIdParams) params: { id: string },
    @ZodQuery(getEventQuery) query: { minVersion?: number },
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown> | undefined> {
    const condition = ifNoneMatchVersions(ifNoneMatch);
    const tagged = condition && condition.versions.length > 0 ? Math.max(...condition.versions) : undefined;
    const minVersion = tagged === undefined ? query.minVersion : Math.max(tagged, query.minVersion ?? 0);
    const record: EventRecord = await this.queries.execute(
      new GetEventQuery(params.id, currentRequestContext()?.actor?.id ?? '', minVersion),
    );
    reply.header('ETag', `"${record.version}"`);
    if (condition && (condition.any || condition.versions.includes(record.version))) {
      reply.code(304);
      return undefined;
    }
    return { id: record.eventId, version: record.version, ...record.fields };
  }
}
