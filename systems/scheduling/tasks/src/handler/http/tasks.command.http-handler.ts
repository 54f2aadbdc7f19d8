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
import type { ActiveTasksItem } from '../../entity/tasks-item/tasks-item.state.js';
import { CreateTasksItemCommand } from '../../use-case/create-tasks-item/create-tasks-item.command.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import {
  createTasksItemBody,
  tasksItemDto,
  type CreateTasksItemBody,
  type TasksItemDto,
} from './tasks-item.schemas.js';

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
 * Writes of `/scheduling/v1/tasks` (the command role). Translates, never decides. Needs a bearer
 * token with the `admin` role (401 without a valid token, 403 without the role).
 */
@ApiTags('tasks')
@Controller('scheduling/v1/tasks')
export class TasksCommandHttpHandler {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an item', description: 'Creates an item with a fresh id; Location names it.' })
  @ApiZodBody(createTasksItemBody)
  @ApiZodResponse(201, tasksItemDto, 'Created; Location names the item')
  @ApiProblemResponses(400, 401, 403, 409)
  async create(
    @ZodBody(createTasksItemBody) body: CreateTasksItemBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TasksItemDto> {
    const item: ActiveTasksItem = await this.commands.execute(new CreateTasksItemCommand(body, commandContext()));
    reply.header('Location', `/scheduling/v1/tasks/${item.id}`);
    return { id: item.id, name: item.name, createdAt: item.createdAt };
  }
}
