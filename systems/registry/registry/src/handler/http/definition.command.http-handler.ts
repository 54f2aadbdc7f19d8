import { Roles } from '@archipelago/platform-auth';
import {
  ApiProblemResponses,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  ProblemException,
  problemTypeUri,
  ZodBody,
  ZodParams,
} from '@archipelago/platform-service';
import { Body, Controller, HttpCode, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DefinitionState } from '../../entity/definition/definition.state.js';
import { ActivateDefinitionCommand } from '../../use-case/activate-definition/activate-definition.command.js';
import { CreateDefinitionCommand } from '../../use-case/create-definition/create-definition.command.js';
import type { DefinitionCreated } from '../../use-case/create-definition/create-definition.use-case.js';
import { DeactivateDefinitionCommand } from '../../use-case/deactivate-definition/deactivate-definition.command.js';
import { DeleteDefinitionCommand } from '../../use-case/delete-definition/delete-definition.command.js';
import { ModifyDefinitionCommand } from '../../use-case/modify-definition/modify-definition.command.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import { ValidateDefinitionCommand } from '../../use-case/validate-definition/validate-definition.command.js';
import {
  definitionCreatedDto,
  definitionDocument,
  definitionIdBody,
  definitionIdParams,
  definitionTransitionDto,
  type DefinitionIdBody,
  type DefinitionTransitionDto,
} from './definition.schemas.js';

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
 * A raw schema body must be sent as JSON (`application/json` or `application/*+json`): Fastify
 * would otherwise hand a `text/plain` body over as a string. 415 problem otherwise.
 */
function requireJson(request: FastifyRequest): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) return;
  throw new ProblemException(415, {
    type: problemTypeUri('unsupported-media-type'),
    title: 'Unsupported media type',
    detail: 'send the schema as application/json',
  });
}

function transition(result: { state: DefinitionState }, message: (status: string) => string): DefinitionTransitionDto {
  const { state } = result;
  if (state.status === 'absent') throw new Error('a transition left the definition absent');
  return {
    id: state.id,
    status: state.status,
    version: state.version,
    activeVersion: state.active?.version ?? null,
    problems: [...state.problems],
    message: message(state.status),
  };
}

/**
 * Writes of definitions (Daksha-RC's paths under `/registry/v1/schema`). Translates, never
 * decides. Needs a bearer token with the `admin` role (401 without a valid token, 403 without the
 * role). A transition the status does not allow is a 409 problem naming the status.
 */
@ApiTags('definitions')
@Controller('registry/v1/schema')
export class DefinitionCommandHttpHandler {
  constructor(private readonly commands: CommandBus) {}

  @Post('create_def')
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Publish a definition',
    description:
      'The raw JSON Schema as the body; its `title` names the type and gives the id. Created as a draft; Location names it. 409 when the title exists in any case or normalisation form.',
  })
  @ApiZodBody(definitionDocument)
  @ApiZodResponse(201, definitionCreatedDto, 'Created as a draft; Location names the definition')
  @ApiProblemResponses(400, 401, 403, 409, 415)
  async create(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ id: string; message: string }> {
    requireJson(request);
    const created: DefinitionCreated = await this.commands.execute(new CreateDefinitionCommand(body, commandContext()));
    reply.header('Location', `/registry/v1/schema/${created.id}`);
    return { id: created.id, message: created.message };
  }

  @Put(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Revise a definition',
    description:
      'The raw JSON Schema as the body becomes the next version, in draft; an active version keeps serving until the new one is activated. The title is immutable (409).',
  })
  @ApiZodBody(definitionDocument)
  @ApiZodResponse(200, definitionTransitionDto)
  @ApiProblemResponses(400, 401, 403, 404, 409, 415)
  async modify(
    @ZodParams(definitionIdParams) params: { id: string },
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<DefinitionTransitionDto> {
    requireJson(request);
    const result = await this.commands.execute(new ModifyDefinitionCommand(params.id, body, commandContext()));
    return transition(result, (s) => `definition revised; the new version is ${s}`);
  }

  @Post('validate_def')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Validate the latest version',
    description:
      'Compiles the schema and checks every `_osConfig` path; the result is `valid` or `invalid` with the problems listed.',
  })
  @ApiZodBody(definitionIdBody)
  @ApiZodResponse(200, definitionTransitionDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async validate(@ZodBody(definitionIdBody) body: DefinitionIdBody): Promise<DefinitionTransitionDto> {
    const result = await this.commands.execute(new ValidateDefinitionCommand(body.id, commandContext()));
    return transition(result, (s) => `definition is ${s}`);
  }

  @Post('activate_def')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Activate the latest version',
    description: 'Validates it first unless it is `valid`; an invalid schema is never active (409 with the problems).',
  })
  @ApiZodBody(definitionIdBody)
  @ApiZodResponse(200, definitionTransitionDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async activate(@ZodBody(definitionIdBody) body: DefinitionIdBody): Promise<DefinitionTransitionDto> {
    const result = await this.commands.execute(new ActivateDefinitionCommand(body.id, commandContext()));
    return transition(result, () => 'definition activated');
  }

  @Post('deactivate_def')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deactivate', description: 'No new entities; existing ones stay readable.' })
  @ApiZodBody(definitionIdBody)
  @ApiZodResponse(200, definitionTransitionDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async deactivate(@ZodBody(definitionIdBody) body: DefinitionIdBody): Promise<DefinitionTransitionDto> {
    const result = await this.commands.execute(new DeactivateDefinitionCommand(body.id, commandContext()));
    return transition(result, () => 'definition deactivated');
  }

  @Post('delete_def')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark for deletion',
    description: 'Sets the status of the definition to `markedForDeletion`.',
  })
  @ApiZodBody(definitionIdBody)
  @ApiZodResponse(200, definitionTransitionDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async delete(@ZodBody(definitionIdBody) body: DefinitionIdBody): Promise<DefinitionTransitionDto> {
    const result = await this.commands.execute(new DeleteDefinitionCommand(body.id, commandContext()));
    return transition(result, () => 'definition marked for deletion');
  }
}
