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
import { NextTasksQuery } from '../../use-case/next-tasks/next-tasks.query.js';
import type { TaskPage, TaskView } from '../../use-case/port/task.read-model.port.js';
import {
  getTaskQuery,
  type ListTasksParams,
  listTasksQuery,
  nextTasksDto,
  nextTasksQuery,
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
    description:
      'The caller’s tasks in creation order, keyset-paginated (eventually consistent). Filters combine (AND): status, priority, tag, parentId, assigneeId; dueBefore / dueAfter (days), dueToday and overdue (open and past due) in the caller’s `timeZone` (IANA, default UTC; a task due on a date is due that whole day, one due at a local time in its own zone at that instant); `q` full-text search on title and description (PostgreSQL web search syntax: words, "phrases", -excluded, or).',
  })
  @ApiZodResponse(200, taskPageDto)
  @ApiProblemResponses(400, 401, 404)
  async list(@ZodQuery(listTasksQuery) query: ListTasksParams): Promise<TaskPage> {
    const { limit, cursor, ...filter } = query;
    return this.queries.execute(new ListTasksQuery(actorId(), filter, limit, cursor));
  }

  @Get('next')
  @ApiOperation({
    summary: 'Next tasks to work on',
    description:
      'Open tasks by priority (1 first), then earliest due (none last), then creation order; `limit` 1–100 (10).',
  })
  @ApiZodResponse(200, nextTasksDto)
  @ApiProblemResponses(400, 401, 404)
  async next(@ZodQuery(nextTasksQuery) query: { limit: number; workspaceId?: string }): Promise<{ items: TaskView[] }> {
    return this.queries.execute(new NextTasksQuery(actorId(), query.limit, query.workspaceId));
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
