import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TASK_READ_MODEL, type TaskPage, type TaskReadModelPort } from '../port/task.read-model.port.js';
import { WORKSPACE_REPOSITORY, type WorkspaceRepositoryPort } from '../port/workspace.repository.port.js';
import { personalWorkspaceId, requireMember } from '../task-access.js';
import { ListTasksQuery } from './list-tasks.query.js';

/**
 * Tasks of a workspace the caller is a member of (their personal one by default), filtered,
 * keyset-paginated (eventually consistent).
 * @throws InvalidCursorError (400), WorkspaceNotFoundError (404: not a member)
 */
@QueryHandler(ListTasksQuery)
export class ListTasksUseCase implements IQueryHandler<ListTasksQuery, TaskPage> {
  constructor(
    @Inject(TASK_READ_MODEL) private readonly readModel: TaskReadModelPort,
    @Inject(WORKSPACE_REPOSITORY) private readonly workspaces: WorkspaceRepositoryPort,
  ) {}

  async execute({ actorId, filter, limit, cursor }: ListTasksQuery): Promise<TaskPage> {
    const workspaceId = filter.workspaceId ?? personalWorkspaceId(actorId);
    await requireMember(this.workspaces, workspaceId, actorId);
    return this.readModel.list({ ...filter, workspaceId }, limit, cursor);
  }
}
