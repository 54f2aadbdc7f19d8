import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  TASKS_ITEM_READ_MODEL,
  type TasksItemPage,
  type TasksItemReadModelPort,
} from '../port/tasks-item.read-model.port.js';
import { ListTasksItemsQuery } from './list-tasks-items.query.js';

/** @throws InvalidCursorError (400) */
@QueryHandler(ListTasksItemsQuery)
export class ListTasksItemsUseCase implements IQueryHandler<ListTasksItemsQuery, TasksItemPage> {
  constructor(@Inject(TASKS_ITEM_READ_MODEL) private readonly readModel: TasksItemReadModelPort) {}

  execute({ limit, cursor }: ListTasksItemsQuery): Promise<TasksItemPage> {
    return this.readModel.list(limit, cursor);
  }
}
