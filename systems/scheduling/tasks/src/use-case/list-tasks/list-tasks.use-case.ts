import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TASK_READ_MODEL, type TaskPage, type TaskReadModelPort } from '../port/task.read-model.port.js';
import { personalWorkspaceId } from '../task-access.js';
import { ListTasksQuery } from './list-tasks.query.js';

/**
 * The caller's tasks (their personal workspace), filtered, keyset-paginated (eventually consistent).
 * @throws InvalidCursorError (400)
 */
@QueryHandler(ListTasksQuery)
export class ListTasksUseCase implements IQueryHandler<ListTasksQuery, TaskPage> {
  constructor(@Inject(TASK_READ_MODEL) private readonly readModel: TaskReadModelPort) {}

  execute({ actorId, filter, limit, cursor }: ListTasksQuery): Promise<TaskPage> {
    return this.readModel.list({ ...filter, workspaceId: personalWorkspaceId(actorId) }, limit, cursor);
  }
}
