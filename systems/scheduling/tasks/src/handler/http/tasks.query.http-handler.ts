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
import { GetTaskQuery } from '../../use-case/get-task/get-task.query.js';
import { ListTasksQuery } from '../../use-case/list-tasks/list-tasks.query.js';
import type { TaskPage, TaskView } from '../../use-case/port/task.read-model.port.js';
import {
  getTaskQuery,
  type ListTasksParams,
  listTasksQuery,
  taskDto,
  taskIdParams,
  taskPageDto,
} from './task.schemas.js';

const actorId = (): string => currentRequestContext()?.actor?.id ?? '';

/** Reads of `/scheduling/v1/tasks` (the query role), from the `task_list` read model. Any valid token; own tasks only. */
@ApiTags('tasks')
@Controller('scheduling/v1/tasks')
export class TasksQueryHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'List tasks',
    description: 'The caller’s tasks in creation order, filtered, keyset-paginated (eventually consistent).',
  })
  @ApiZodResponse(200, taskPageDto)
  @ApiProblemResponses(400, 401)
  async list(@ZodQuery(listTasksQuery) query: ListTasksParams): Promise<TaskPage> {
    const { limit, cursor, ...filter } = query;
    return this.queries.execute(new ListTasksQuery(actorId(), filter, limit, cursor));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One task',
    description: 'From the read model; `minVersion` waits up to 2 s for it to reach that version, else 409.',
  })
  @ApiZodResponse(200, taskDto)
  @ApiProblemResponses(400, 401, 404, 409)
  async get(
    @ZodParams(taskIdParams) params: { id: string },
    @ZodQuery(getTaskQuery) query: { minVersion?: number },
  ): Promise<TaskView> {
    return this.queries.execute(new GetTaskQuery(params.id, actorId(), query.minVersion));
  }
}
