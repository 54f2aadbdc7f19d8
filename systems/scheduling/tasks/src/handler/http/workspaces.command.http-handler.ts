import {
  ApiProblemResponses,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  ZodValidationPipe,
  ZodParams,
} from '@archipelago/platform-service';
import { Body, Controller, Delete, HttpCode, Patch, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { WorkspaceState } from '../../entity/workspace/workspace.decider.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import { ChangeWorkspaceCommand, type WorkspaceRequest } from '../../use-case/workspace/change-workspace.command.js';
import type { WorkspaceCommandResult } from '../../use-case/workspace/change-workspace.use-case.js';
import {
  type JsonBody,
  memberBody,
  memberBodyDoc,
  memberParams,
  memberRoleBody,
  memberRoleBodyDoc,
  workspaceBody,
  workspaceBodyDoc,
  workspaceDto,
  workspaceIdParams,
} from './workspace.schemas.js';

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

/** The workspace after a write, with its new version (also in `ETag`). */
function written(state: WorkspaceState, version: number, reply: FastifyReply): Record<string, unknown> {
  reply.header('ETag', `"${version}"`);
  if (state.kind !== 'live') return {};
  return {
    id: state.workspaceId,
    name: state.name,
    personal: false,
    version,
    members: Object.entries(state.members)
      .map(([userId, role]) => ({ userId, role }))
      .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0)),
  };
}

/**
 * Writes of `/scheduling/v1/workspaces` (the tasks command role). Only owners change a workspace and
 * its members (403 for editors and viewers); a non-member gets 404; anyone may leave.
 */
@ApiTags('workspaces')
@Controller('scheduling/v1/workspaces')
export class WorkspacesCommandHttpHandler {
  constructor(private readonly commands: CommandBus) {}

  private async run(request: WorkspaceRequest, reply: FastifyReply): Promise<Record<string, unknown>> {
    const { state, version }: WorkspaceCommandResult = await this.commands.execute(
      new ChangeWorkspaceCommand(request, commandContext()),
    );
    return written(state, version, reply);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a shared workspace', description: 'The caller becomes its first owner.' })
  @ApiZodBody(workspaceBodyDoc)
  @ApiZodResponse(201, workspaceDto, 'Created; Location names the workspace')
  @ApiProblemResponses(400, 401, 409, 413)
  async create(
    @Body(new ZodValidationPipe(workspaceBody)) body: JsonBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const workspaceId = globalThis.crypto.randomUUID();
    const dto = await this.run(
      { type: 'CreateWorkspace', data: { workspaceId, actorId: actorId(), input: body } },
      reply,
    );
    reply.header('Location', `/scheduling/v1/workspaces/${workspaceId}`);
    return dto;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename a workspace', description: 'Owners only.' })
  @ApiZodBody(workspaceBodyDoc)
  @ApiZodResponse(200, workspaceDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async rename(
    @ZodParams(workspaceIdParams) params: { id: string },
    @Body(new ZodValidationPipe(workspaceBody)) body: JsonBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(
      { type: 'RenameWorkspace', data: { workspaceId: params.id, actorId: actorId(), input: body } },
      reply,
    );
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a workspace', description: 'Owners only; its members lose access.' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async remove(@ZodParams(workspaceIdParams) params: { id: string }, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.run({ type: 'DeleteWorkspace', data: { workspaceId: params.id, actorId: actorId() } }, reply);
  }

  @Post(':id/members')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Add a member',
    description: 'Owners only. Adding a member again with the same role changes nothing; another role is 409.',
  })
  @ApiZodBody(memberBodyDoc)
  @ApiZodResponse(200, workspaceDto)
  @ApiProblemResponses(400, 401, 403, 404, 409, 413)
  async addMember(
    @ZodParams(workspaceIdParams) params: { id: string },
    @Body(new ZodValidationPipe(memberBody)) body: JsonBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run({ type: 'AddMember', data: { workspaceId: params.id, actorId: actorId(), input: body } }, reply);
  }

  @Patch(':id/members/:userId')
  @ApiOperation({ summary: 'Change a member’s role', description: 'Owners only; the last owner stays owner (409).' })
  @ApiZodBody(memberRoleBodyDoc)
  @ApiZodResponse(200, workspaceDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async changeRole(
    @ZodParams(memberParams) params: { id: string; userId: string },
    @Body(new ZodValidationPipe(memberRoleBody)) body: JsonBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(
      {
        type: 'ChangeMemberRole',
        data: { workspaceId: params.id, actorId: actorId(), userId: params.userId, input: body },
      },
      reply,
    );
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a member, or leave',
    description: 'Owners remove anyone; every member may remove themself. The last owner cannot go (409).',
  })
  @ApiResponse({ status: 204, description: 'Removed' })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async removeMember(
    @ZodParams(memberParams) params: { id: string; userId: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.run(
      { type: 'RemoveMember', data: { workspaceId: params.id, actorId: actorId(), userId: params.userId } },
      reply,
    );
  }
}
