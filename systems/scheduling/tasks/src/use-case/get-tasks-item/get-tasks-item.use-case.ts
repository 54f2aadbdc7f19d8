import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TasksItemNotFoundError } from '../../entity/tasks-item/tasks-item.errors.js';
import type { ActiveTasksItem } from '../../entity/tasks-item/tasks-item.state.js';
import { TASKS_ITEM_REPOSITORY, type TasksItemRepositoryPort } from '../port/tasks-item.repository.port.js';
import { GetTasksItemQuery } from './get-tasks-item.query.js';

/** @throws TasksItemNotFoundError (404) */
@QueryHandler(GetTasksItemQuery)
export class GetTasksItemUseCase implements IQueryHandler<GetTasksItemQuery, ActiveTasksItem> {
  constructor(@Inject(TASKS_ITEM_REPOSITORY) private readonly repository: TasksItemRepositoryPort) {}

  async execute({ itemId }: GetTasksItemQuery): Promise<ActiveTasksItem> {
    const { state } = await this.repository.load(itemId);
    if (state.status !== 'active') throw new TasksItemNotFoundError(itemId);
    return state;
  }
}
