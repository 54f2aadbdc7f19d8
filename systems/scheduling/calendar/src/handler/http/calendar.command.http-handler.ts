import {
  ApiProblemResponses,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  MERGE_PATCH_JSON,
  ProblemException,
  problemTypeUri,
  ZodBody,
  ZodValidationPipe,
  ZodParams,
} from '@archipelago/platform-service';
import { Body, Controller, Delete, Headers, HttpCode, Patch, Post, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CalendarEventState } from '../../entity/event/calendar-event.decider.js';
import { ChangeOccurrenceCommand } from '../../use-case/change-occurrence/change-occurrence.command.js';
import { CreateEventCommand } from '../../use-case/create-event/create-event.command.js';
import { DeleteEventCommand } from '../../use-case/delete-event/delete-event.command.js';
import type { EventCommandResult } from '../../use-case/handle-event-command.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import { UpdateEventCommand } from '../../use-case/update-event/update-event.command.js';
import {
  eventBody,
  eventBodyDoc,
  eventDto,
  eventIdParams,
  eventPatchDoc,
  ifMatchVersions,
  occurrenceMoveBody,
  occurrenceParams,
} from './calendar-event.schemas.js';

/** Event metadata from the request: correlation id, causation = request id, actor (the verified caller's `sub`), traceparent. */
function commandContext(): CommandContext {
  const ctx = currentRequestContext();
  return {
    correlationId: ctx?.correlationId,
    causationId: ctx?.requestId,
    actor: ctx?.actor?.id,
    traceparent: ctx?.traceparent,
  };
}

const actorId = (): string => currentRequestContext()?.actor?.id ?? '';

/** The versions `If-Match` accepts, or undefined (no check); a malformed header is a 400 problem. */
function expectedVersion(ifMatch: string | undefined): readonly number[] | undefined {
  const versions = ifMatchVersions(ifMatch);
  if (versions === null)
    throw new ProblemException(400, {
      type: problemTypeUri('validation-failed'),
      title: 'Request validation failed',
      detail: 'If-Match must be * or a list of entity-tags such as "3" (RFC 9110 §13.1.1)',
      extensions: { errors: [{ parameter: 'If-Match', detail: 'must be * or entity-tags such as "3"' }] },
    });
  return versions;
}

/** The event after a write, with its version (also in `ETag`). */
function written(state: CalendarEventState, version: number, reply: FastifyReply): Record<string, unknown> {
  reply.header('ETag', `"${version}"`);
  if (state.kind !== 'live') throw new Error('unreachable: the event written is not live');
  return { id: state.eventId, version, ...state.fields };
}

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description:
    'The ETag ("<version>") the change is based on (a list allowed); when none is the current version → 412 (weak tags never match). `*` or none: no check.',
  // The tags' characters (RFC 9110 §8.8.3 etagc) without the comma, which separates the list's members.
  schema: { type: 'string', pattern: '^ *(\\*|(W/)?"[!#-+\\--~]*"( *, *(W/)?"[!#-+\\--~]*")*) *$' },
} as const;

/**
 * Writes of `/scheduling/v1/events` (the command role). Translates, never decides. Any valid token may
 * write to its own workspace (401 without one). Writes answer with the new version in `ETag`; an
 * `If-Match` with another version is 412 (optimistic concurrency, RFC 9110 §13.1.1).
 */
@ApiTags('calendar')
@Controller('scheduling/v1/events')
export class CalendarCommandHttpHandler {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a calendar event',
    description: 'Local date-times in timeZone; RRULE/EXDATE/RDATE; Location names it, the body carries its version.',
  })
  @ApiZodBody(eventBodyDoc)
  @ApiZodResponse(201, eventDto, 'Created')
  @ApiProblemResponses(400, 401, 404, 413)
  async create(
    @Body(new ZodValidationPipe(eventBody)) body: Readonly<Record<string, unknown>>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const { state, version }: { state: CalendarEventState; version: number } = await this.commands.execute(
      new CreateEventCommand(body, actorId(), commandContext()),
    );
    if (state.kind !== 'live') throw new Error('unreachable: the created event is not live');
    reply.header('Location', `/scheduling/v1/events/${state.eventId}`);
    reply.header('ETag', `"${version}"`);
    return { id: state.eventId, version, ...state.fields };
  }

  @Patch(':id')
  @ApiConsumes(MERGE_PATCH_JSON, 'application/json')
  @ApiOperation({
    summary: 'Change a calendar event',
    description:
      'A JSON merge patch (RFC 7396): absent keys keep their value, null clears, arrays replace; workspaceId never changes. Changing start, end, timeZone, allDay or rrule drops the single-occurrence overrides. A patch that changes nothing keeps the version. Occurrences, the .ics feed and the pending reminders follow.',
  })
  @ApiHeader(IF_MATCH)
  @ApiZodBody(eventPatchDoc)
  @ApiZodResponse(200, eventDto, 'The event at its new version (also in ETag)')
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 413, 415)
  async update(
    @ZodParams(eventIdParams) params: { id: string },
    @Body(new ZodValidationPipe(eventBody)) body: Readonly<Record<string, unknown>>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const { state, version }: EventCommandResult = await this.commands.execute(
      new UpdateEventCommand(params.id, body, expectedVersion(ifMatch), actorId(), commandContext()),
    );
    return written(state, version, reply);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a calendar event',
    description:
      'Removes the event from occurrences and the .ics feed and cancels its pending reminders; a later write or read is 404.',
  })
  @ApiHeader(IF_MATCH)
  @ApiResponse({ status: 204, description: 'Deleted (ETag: the version of the deletion)' })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412)
  async remove(
    @ZodParams(eventIdParams) params: { id: string },
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const { version }: EventCommandResult = await this.commands.execute(
      new DeleteEventCommand(params.id, expectedVersion(ifMatch), actorId(), commandContext()),
    );
    reply.header('ETag', `"${version}"`);
  }

  @Put(':id/occurrences/:recurrenceId')
  @ApiOperation({
    summary: 'Move or change one occurrence',
    description:
      'Overrides one occurrence of the series (RFC 5545 RECURRENCE-ID) with a new local start/end in the event’s zone and optionally its own title, description and location (SUMMARY, DESCRIPTION, LOCATION; absent ones are the series’); it then appears at its new time in occurrences (overridden: true) and as a VEVENT with RECURRENCE-ID in the .ics feed, and its reminders follow it. Repeating the same move keeps the version; a move replaces an earlier move or cancel. 400 when recurrenceId is not an occurrence of the series.',
  })
  @ApiHeader(IF_MATCH)
  @ApiZodBody(occurrenceMoveBody)
  @ApiZodResponse(200, eventDto, 'The event at its new version (also in ETag)')
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 413)
  async moveOccurrence(
    @ZodParams(occurrenceParams) params: { id: string; recurrenceId: string },
    @ZodBody(occurrenceMoveBody)
    body: { start: string; end: string; title?: string; description?: string; location?: string },
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const { state, version }: EventCommandResult = await this.commands.execute(
      new ChangeOccurrenceCommand(
        params.id,
        params.recurrenceId,
        {
          start: body.start,
          end: body.end,
          title: body.title,
          description: body.description,
          location: body.location,
        },
        expectedVersion(ifMatch),
        actorId(),
        commandContext(),
      ),
    );
    return written(state, version, reply);
  }

  @Delete(':id/occurrences/:recurrenceId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Cancel one occurrence',
    description:
      'Removes one occurrence of the series (written as EXDATE in the .ics feed); its reminders are cancelled. Cancelling again keeps the version. 400 when recurrenceId is not an occurrence of the series.',
  })
  @ApiHeader(IF_MATCH)
  @ApiResponse({ status: 204, description: 'Cancelled (ETag: the event’s version after it)' })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412)
  async cancelOccurrence(
    @ZodParams(occurrenceParams) params: { id: string; recurrenceId: string },
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const { version }: EventCommandResult = await this.commands.execute(
      new ChangeOccurrenceCommand(
        params.id,
        params.recurrenceId,
        'cancel',
        expectedVersion(ifMatch),
        actorId(),
        commandContext(),
      ),
    );
    reply.header('ETag', `"${version}"`);
  }
}
