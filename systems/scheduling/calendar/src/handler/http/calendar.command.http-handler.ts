import { Roles } from '@archipelago/platform-auth';
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
import type { ActiveCalendarItem } from '../../entity/calendar-item/calendar-item.state.js';
import { CreateCalendarItemCommand } from '../../use-case/create-calendar-item/create-calendar-item.command.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import {
  createCalendarItemBody,
  calendarItemDto,
  type CreateCalendarItemBody,
  type CalendarItemDto,
} from './calendar-item.schemas.js';

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
 * Writes of `/scheduling/v1/calendar` (the command role). Translates, never decides. Needs a bearer
 * token with the `admin` role (401 without a valid token, 403 without the role).
 */
@ApiTags('calendar')
@Controller('scheduling/v1/calendar')
export class CalendarCommandHttpHandler {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an item', description: 'Creates an item with a fresh id; Location names it.' })
  @ApiZodBody(createCalendarItemBody)
  @ApiZodResponse(201, calendarItemDto, 'Created; Location names the item')
  @ApiProblemResponses(400, 401, 403, 409)
  async create(
    @ZodBody(createCalendarItemBody) body: CreateCalendarItemBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CalendarItemDto> {
    const item: ActiveCalendarItem = await this.commands.execute(new CreateCalendarItemCommand(body, commandContext()));
    reply.header('Location', `/scheduling/v1/calendar/${item.id}`);
    return { id: item.id, name: item.name, createdAt: item.createdAt };
  }
}
