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
import type { ActiveRegistryItem } from '../../entity/registry-item/registry-item.state.js';
import { CreateRegistryItemCommand } from '../../use-case/create-registry-item/create-registry-item.command.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import {
  createRegistryItemBody,
  registryItemDto,
  type CreateRegistryItemBody,
  type RegistryItemDto,
} from './registry-item.schemas.js';

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
 * Writes of `/registry/v1/registry` (the command role). Translates, never decides. Needs a bearer
 * token with the `admin` role (401 without a valid token, 403 without the role).
 */
@ApiTags('registry')
@Controller('registry/v1/registry')
export class RegistryCommandHttpHandler {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an item', description: 'Creates an item with a fresh id; Location names it.' })
  @ApiZodBody(createRegistryItemBody)
  @ApiZodResponse(201, registryItemDto, 'Created; Location names the item')
  @ApiProblemResponses(400, 401, 403, 409)
  async create(
    @ZodBody(createRegistryItemBody) body: CreateRegistryItemBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegistryItemDto> {
    const item: ActiveRegistryItem = await this.commands.execute(new CreateRegistryItemCommand(body, commandContext()));
    reply.header('Location', `/registry/v1/registry/${item.id}`);
    return { id: item.id, name: item.name, createdAt: item.createdAt };
  }
}
