import {
  ApiProblemResponses,
  ApiZodResponse,
  currentRequestContext,
  ZodParams,
  ZodQuery,
} from '@archipelago/platform-service';
import { Controller, Get, Headers, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TaskValidationError } from '../../entity/task/task.errors.js';
import { CUSTOM_FIELD_KEY, LIMITS } from '../../entity/task/task.model.js';
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

/** One entity-tag of a list (RFC 9110 §8.8.3): optionally weak, then a quoted opaque tag. */
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

/**
 * Reads `If-None-Match` (RFC 9110 §13.1.2, weak comparison): `*` → any version matches; else the
 * versions of its tags `"<n>"` (weak or strong; other opaque tags never match). No header, or one that
 * is not an entity-tag list, → undefined: the condition is ignored and the read answers 200 (always a
 * right answer to a GET), as caches do with a precondition they cannot evaluate.
 */
export function ifNoneMatch(
  header: string | undefined,
): { readonly any: boolean; readonly versions: number[] } | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return { any: true, versions: [] };
  const versions: number[] = [];
  for (const part of header.split(',')) {
    const match = ENTITY_TAG.exec(part.trim());
    if (!match) return undefined;
    if (/^\d{1,9}$/.test(match[2]!)) versions.push(Number(match[2]));
  }
  return { any: false, versions };
}

/** At most this many `cf.<key>=` filters in one list request. */
const MAX_CUSTOM_FIELD_FILTERS = 10;

/**
 * The `cf.<key>=<value>` parameters of a list request (OpenAPI cannot name parameters by pattern, so
 * the operation's description documents them): key per the custom field key rule, one value each.
 * @throws TaskValidationError (400, by parameter)
 */
function customFieldFilters(query: unknown): Record<string, string> | undefined {
  const filters: Record<string, string> = {};
  const problems: { field: string; message: string }[] = [];
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (!name.startsWith('cf.')) continue;
    const key = name.slice(3);
    if (!CUSTOM_FIELD_KEY.test(key))
      problems.push({ field: name, message: 'the key must be a letter then up to 39 letters, digits, _ or -' });
    else if (typeof value !== 'string' || value.length > LIMITS.customFieldValue)
      problems.push({ field: name, message: `must be given once, at most ${LIMITS.customFieldValue} characters` });
    else filters[key] = value;
  }
  if (Object.keys(filters).length > MAX_CUSTOM_FIELD_FILTERS)
    problems.push({ field: 'cf', message: `at most ${MAX_CUSTOM_FIELD_FILTERS} custom field filters` });
  if (problems.length > 0) throw new TaskValidationError(problems);
  return Object.keys(filters).length > 0 ? filters : undefined;
}

/** Reads of `/scheduling/v1/tasks` (the query role), from the `task_list` read model. Any valid token; own tasks only. */
@ApiTags('tasks')
@Controller('scheduling/v1/tasks')
export class TasksQueryHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'List tasks',
    description:
      'The caller’s tasks in creation order, keyset-paginated (eventually consistent). Filters combine (AND): status, priority, tag, parentId, assigneeId; dueBefore / dueAfter (days), dueToday and overdue (open and past due) in the caller’s `timeZone` (IANA, default UTC; a task due on a date is due that whole day, one due at a local time in its own zone at that instant); `q` full-text search on title and description (PostgreSQL web search syntax: words, "phrases", -excluded, or); `cf.<key>=<value>` (repeatable with other keys, at most 10): tasks whose custom field `key` equals `value` — a string value, or a number or boolean written the same way (`cf.hours=3`, `cf.billable=true`).',
  })
  @ApiZodResponse(200, taskPageDto)
  @ApiProblemResponses(400, 401, 404)
  async list(@ZodQuery(listTasksQuery) query: ListTasksParams, @Req() request: FastifyRequest): Promise<TaskPage> {
    const { limit, cursor, ...filter } = query;
    const customFields = customFieldFilters(request.query);
    return this.queries.execute(new ListTasksQuery(actorId(), { ...filter, customFields }, limit, cursor));
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
    description:
      'From the read model; ETag carries its version. `minVersion` — or the highest version named in `If-None-Match` (the ETag a write answered) — waits up to 2 s for the read model to reach that version, else 409. When the version reached is one `If-None-Match` names (or it is `*`), the answer is 304 Not Modified (RFC 9110 §13.1.2): the client has that version already, from the write’s answer.',
  })
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description:
      'ETags ("<version>") the client has; the highest is waited for like minVersion. `*`: any version. Not an entity-tag list: ignored.',
    // No pattern: any value is a valid request (one that is not an entity-tag list is ignored).
    schema: { type: 'string' },
  })
  @ApiZodResponse(200, taskDto)
  @ApiResponse({ status: 304, description: 'Not Modified: the version reached is one If-None-Match names (ETag: it)' })
  @ApiProblemResponses(400, 401, 404, 409)
  async get(
    @ZodParams(taskIdParams) params: { id: string },
    @ZodQuery(getTaskQuery) query: { minVersion?: number },
    @Headers('if-none-match') ifNoneMatchHeader: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TaskView | undefined> {
    const condition = ifNoneMatch(ifNoneMatchHeader);
    const tagged = condition && condition.versions.length > 0 ? Math.max(...condition.versions) : undefined;
    const minVersion = tagged === undefined ? query.minVersion : Math.max(tagged, query.minVersion ?? 0);
    const view: TaskView = await this.queries.execute(new GetTaskQuery(params.id, actorId(), minVersion));
    reply.header('ETag', `"${view.version}"`);
    if (condition && (condition.any || condition.versions.includes(view.version))) {
      reply.code(304);
      return undefined;
    }
    return view;
  }
}
