import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TASK_READ_MODEL, type TaskReadModelPort, type TaskView } from '../port/task.read-model.port.js';
import { WORKSPACE_REPOSITORY, type WorkspaceRepositoryPort } from '../port/workspace.repository.port.js';
import { personalWorkspaceId, requireMember } from '../task-access.js';
import { NextTasksQuery } from './next-tasks.query.js';

/**
 * The priority queue of the caller's open tasks: highest priority, then earliest due, ties by creation
 * (stable), of one workspace (personal by default). Eventually consistent (read model).
 * @throws WorkspaceNotFoundError (404) when the caller is not a member of the workspace
 */
@QueryHandler(NextTasksQuery)
export class NextTasksUseCase implements IQueryHandler<NextTasksQuery, { items: TaskView[] }> {
  constructor(
    @Inject(TASK_READ_MODEL) private readonly readModel: TaskReadModelPort,
    @Inject(WORKSPACE_REPOSITORY) private readonly workspaces: WorkspaceRepositoryPort,
  ) {}

  async execute({ actorId, limit, workspaceId }: NextTasksQuery): Promise<{ items: TaskView[] }> {
    const workspace = workspaceId ?? personalWorkspaceId(actorId);
    await requireMember(this.workspaces, workspace, actorId);
    return { items: await this.readModel.next(workspace, limit) };
  }
}
