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
import type { ActiveCredentialsItem } from '../../entity/credentials-item/credentials-item.state.js';
import { CreateCredentialsItemCommand } from '../../use-case/create-credentials-item/create-credentials-item.command.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import {
  createCredentialsItemBody,
  credentialsItemDto,
  type CreateCredentialsItemBody,
  type CredentialsItemDto,
} from './credentials-item.schemas.js';

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
 * Writes of `/registry/v1/credentials` (the command role). Translates, never decides. Needs a bearer
 * token with the `admin` role (401 without a valid token, 403 without the role).
 */
@ApiTags('credentials')
@Controller('registry/v1/credentials')
export class CredentialsCommandHttpHandler {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create an item',
    description:
      'Admins only (bearer token with the role `admin`; 401 without a valid token, 403 without the role). Creates an item with a fresh id; Location names it; publishes CredentialsItemCreatedV1. 400 on invalid fields (`CREDENTIALS_ITEM.INVALID` for a rule of the item); 409 `CREDENTIALS_ITEM.ALREADY_EXISTS` or `CREDENTIALS_ITEM.CONCURRENCY_CONFLICT` when the id is taken (retry).',
  })
  @ApiZodBody(createCredentialsItemBody)
  @ApiZodResponse(201, credentialsItemDto, 'Created; Location names the item')
  @ApiProblemResponses(400, 401, 403, 409)
  async create(
    @ZodBody(createCredentialsItemBody) body: CreateCredentialsItemBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CredentialsItemDto> {
    const item: ActiveCredentialsItem = await this.commands.execute(
      new CreateCredentialsItemCommand(body, commandContext()),
    );
    reply.header('Location', `/registry/v1/credentials/${item.id}`);
    return { id: item.id, name: item.name, createdAt: item.createdAt };
  }
}
