import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TASK_READ_MODEL, type TaskReadModelPort, type TaskView } from '../port/task.read-model.port.js';
import { personalWorkspaceId } from '../task-access.js';
import { NextTasksQuery } from './next-tasks.query.js';

/**
 * The priority queue of the caller's open tasks: highest priority, then earliest due, ties by creation
 * (stable). Eventually consistent (read model).
 */
@QueryHandler(NextTasksQuery)
export class NextTasksUseCase implements IQueryHandler<NextTasksQuery, { items: TaskView[] }> {
  constructor(@Inject(TASK_READ_MODEL) private readonly readModel: TaskReadModelPort) {}

  async execute({ actorId, limit }: NextTasksQuery): Promise<{ items: TaskView[] }> {
    return { items: await this.readModel.next(personalWorkspaceId(actorId), limit) };
  }
}
