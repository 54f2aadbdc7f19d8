import {
  ApiProblemResponses,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  ZodBody,
} from '@archipelago/platform-service';
import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CalendarEventState } from '../../entity/event/calendar-event.decider.js';
import { CreateEventCommand } from '../../use-case/create-event/create-event.command.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import { eventBody, eventBodyDoc, eventDto } from './calendar-event.schemas.js';

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

/**
 * Writes of `/scheduling/v1/events` (the command role). Translates, never decides. Any valid token may
 * write to its own workspace (401 without one).
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
    @ZodBody(eventBody) body: Readonly<Record<string, unknown>>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const { state, version }: { state: CalendarEventState; version: number } = await this.commands.execute(
      new CreateEventCommand(body, currentRequestContext()?.actor?.id ?? '', commandContext()),
    );
    if (state.kind !== 'live') throw new Error('unreachable: the created event is not live');
    reply.header('Location', `/scheduling/v1/events/${state.eventId}`);
    reply.header('ETag', `"${version}"`);
    return { id: state.eventId, version, ...state.fields };
  }
}
