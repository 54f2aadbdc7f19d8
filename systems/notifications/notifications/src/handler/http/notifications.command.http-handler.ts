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
import type { ActiveNotificationsItem } from '../../entity/notifications-item/notifications-item.state.js';
import { CreateNotificationsItemCommand } from '../../use-case/create-notifications-item/create-notifications-item.command.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import {
  createNotificationsItemBody,
  notificationsItemDto,
  type CreateNotificationsItemBody,
  type NotificationsItemDto,
} from './notifications-item.schemas.js';

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
 * Writes of `/notifications/v1/notifications` (the command role). Translates, never decides. Needs a bearer
 * token with the `admin` role (401 without a valid token, 403 without the role).
 */
@ApiTags('notifications')
@Controller('notifications/v1/notifications')
export class NotificationsCommandHttpHandler {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create an item',
    description:
      'Admins only (bearer token with the role `admin`; 401 without a valid token, 403 without the role). Creates an item with a fresh id; Location names it; publishes NotificationsItemCreatedV1. 400 on invalid fields (`NOTIFICATIONS_ITEM.INVALID` for a rule of the item); 409 `NOTIFICATIONS_ITEM.ALREADY_EXISTS` or `NOTIFICATIONS_ITEM.CONCURRENCY_CONFLICT` when the id is taken (retry).',
  })
  @ApiZodBody(createNotificationsItemBody)
  @ApiZodResponse(201, notificationsItemDto, 'Created; Location names the item')
  @ApiProblemResponses(400, 401, 403, 409)
  async create(
    @ZodBody(createNotificationsItemBody) body: CreateNotificationsItemBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<NotificationsItemDto> {
    const item: ActiveNotificationsItem = await this.commands.execute(
      new CreateNotificationsItemCommand(body, commandContext()),
    );
    reply.header('Location', `/notifications/v1/notifications/${item.id}`);
    return { id: item.id, name: item.name, createdAt: item.createdAt };
  }
}
