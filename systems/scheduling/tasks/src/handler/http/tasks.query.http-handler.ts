import { ApiProblemResponses, ApiZodResponse, ZodParams, ZodQuery } from '@archipelago/platform-service';
import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActiveTasksItem } from '../../entity/tasks-item/tasks-item.state.js';
import { GetTasksItemQuery } from '../../use-case/get-tasks-item/get-tasks-item.query.js';
import { ListTasksItemsQuery } from '../../use-case/list-tasks-items/list-tasks-items.query.js';
import type { TasksItemPage } from '../../use-case/port/tasks-item.read-model.port.js';
import {
  listTasksItemsQuery,
  tasksItemDto,
  tasksItemIdParams,
  tasksItemPageDto,
  type TasksItemDto,
} from './tasks-item.schemas.js';

/** Reads of `/scheduling/v1/tasks` (the query role). Any valid access token may read. */
@ApiTags('tasks')
@Controller('scheduling/v1/tasks')
export class TasksQueryHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'List items',
    description: 'Items in creation order, keyset-paginated (eventually consistent).',
  })
  @ApiZodResponse(200, tasksItemPageDto)
  @ApiProblemResponses(400, 401)
  async list(@ZodQuery(listTasksItemsQuery) query: { limit: number; cursor?: string }) {
    const page: TasksItemPage = await this.queries.execute(new ListTasksItemsQuery(query.limit, query.cursor));
    return {
      items: page.items.map((i) => ({ id: i.id, name: i.name, createdAt: i.createdAt })),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One item', description: 'Read from the item’s event stream (always current).' })
  @ApiZodResponse(200, tasksItemDto)
  @ApiProblemResponses(400, 401, 404)
  async get(@ZodParams(tasksItemIdParams) params: { id: string }): Promise<TasksItemDto> {
    const item: ActiveTasksItem = await this.queries.execute(new GetTasksItemQuery(params.id));
    return { id: item.id, name: item.name, createdAt: item.createdAt };
  }
}
