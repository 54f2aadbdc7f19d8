import {
  ApiProblemResponses,
  ApiZodResponse,
  currentRequestContext,
  ZodParams,
  ZodQuery,
} from '@archipelago/platform-service';
import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { WorkspaceSummary, WorkspaceView } from '../../use-case/port/workspace.read-model.port.js';
import { GetWorkspaceQuery, ListWorkspacesQuery } from '../../use-case/workspace/workspace.queries.js';
import { getWorkspaceQuery, workspaceDto, workspaceIdParams, workspaceListDto } from './workspace.schemas.js';

const actorId = (): string => currentRequestContext()?.actor?.id ?? '';

/** Reads of `/scheduling/v1/workspaces` (the tasks query role): only workspaces the caller is a member of. */
@ApiTags('workspaces')
@Controller('scheduling/v1/workspaces')
export class WorkspacesQueryHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'My workspaces',
    description: 'The personal workspace first, then the shared ones the caller is a member of, by name.',
  })
  @ApiZodResponse(200, workspaceListDto)
  @ApiProblemResponses(401)
  async list(): Promise<{ items: WorkspaceSummary[] }> {
    return this.queries.execute(new ListWorkspacesQuery(actorId()));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One workspace with its members',
    description: 'For a member (404 otherwise); `minVersion` waits up to 2 s for the read model, else 409.',
  })
  @ApiZodResponse(200, workspaceDto)
  @ApiProblemResponses(400, 401, 404, 409)
  async get(
    @ZodParams(workspaceIdParams) params: { id: string },
    @ZodQuery(getWorkspaceQuery) query: { minVersion?: number },
  ): Promise<WorkspaceView> {
    return this.queries.execute(new GetWorkspaceQuery(params.id, actorId(), query.minVersion));
  }
}
