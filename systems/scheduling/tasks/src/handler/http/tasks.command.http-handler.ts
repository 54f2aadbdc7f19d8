import {
  ApiIdempotencyKey,
  ApiProblemResponses,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  ZodValidationPipe,
  ZodParams,
  ZodQuery,
  MERGE_PATCH_JSON,
  parseIdempotencyKey,
} from '@archipelago/platform-service';
import { Body, Controller, Delete, Headers, HttpCode, Patch, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { TaskState } from '../../entity/task/task.decider.js';
import { CompleteTaskCommand } from '../../use-case/complete-task/complete-task.command.js';
import type { CompleteTaskResult } from '../../use-case/complete-task/complete-task.use-case.js';
import { CreateTaskCommand } from '../../use-case/create-task/create-task.command.js';
import { DeleteTaskCommand } from '../../use-case/delete-task/delete-task.command.js';
import type { TaskCommandResult } from '../../use-case/handle-task-command.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import {
  AddTaskAttachmentCommand,
  RemoveTaskAttachmentCommand,
} from '../../use-case/task-attachments/task-attachments.command.js';
import type { AddTaskAttachmentResult } from '../../use-case/task-attachments/task-attachments.use-case.js';
import { UpdateTaskCommand } from '../../use-case/update-task/update-task.command.js';
import {
  attachmentBody,
  attachmentDto,
  attachmentParams,
  completeTaskQuery,
  taskBody,
  taskBodyDoc,
  taskPatchDoc,
  type TaskBody,
  taskDto,
  taskIdParams,
} from './task.schemas.js';

/** Event metadata from the request: correlation id, causation = request id, actor (the verified caller's `sub`), traceparent. */
function commandContext(): CommandContext {
  const ctx = currentRequestContext();
  return {
    correlationId: ctx?.correlationId,
    causationId: ctx?.requestId,
    actor: ctx?.actor?.id,
    traceparent: ctx?.traceparent,
  };
}

/** The verified caller's id (the auth guard ran before; every route needs a token). */
const actorId = (): string => currentRequestContext()?.actor?.id ?? '';

/** The task after a write, with its new version (also in `ETag`). */
function written(state: TaskState, version: number, reply: FastifyReply): Record<string, unknown> {
  reply.header('ETag', `"${version}"`);
  if (state.kind !== 'live') return { id: state.kind === 'deleted' ? state.taskId : undefined, version, deleted: true };
  return {
    id: state.taskId,
    version,
    ...state.fields,
    status: state.status,
    completedAt: state.completedAt,
  };
}

/**
 * Writes of `/scheduling/v1/tasks` (the command role). Translates, never decides. Any valid token
 * may write to its own workspace (401 without one); another user's task answers 404.
 */
@ApiTags('tasks')
@Controller('scheduling/v1/tasks')
export class TasksCommandHttpHandler {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a task',
    description:
      'In the caller’s personal workspace unless workspaceId is given; Location names it. Without a `reminders` key the task gets the caller’s default reminders in that workspace (`PUT /scheduling/v1/calendars/{workspaceId}/settings`; without a due only the absolute `{at}` ones); an explicit list, even empty, wins.',
  })
  @ApiZodBody(taskBodyDoc)
  @ApiZodResponse(201, taskDto, 'Created; Location names the task, the body carries its version')
  @ApiProblemResponses(400, 401, 404, 409, 413)
  async create(@Body(new ZodValidationPipe(taskBody)) body: TaskBody, @Res({ passthrough: true }) reply: FastifyReply) {
    const { state, version }: TaskCommandResult = await this.commands.execute(
      new CreateTaskCommand(body, actorId(), commandContext()),
    );
    const dto = written(state, version, reply);
    reply.header('Location', `/scheduling/v1/tasks/${String(dto.id)}`);
    return dto;
  }

  @Patch(':id')
  @ApiConsumes(MERGE_PATCH_JSON, 'application/json')
  @ApiOperation({
    summary: 'Change a task',
    description: 'A JSON merge patch (RFC 7396); answers the task at its new version.',
  })
  @ApiZodBody(taskPatchDoc)
  @ApiZodResponse(200, taskDto)
  @ApiProblemResponses(400, 401, 404, 409)
  async update(
    @ZodParams(taskIdParams) params: { id: string },
    @Body(new ZodValidationPipe(taskBody)) body: TaskBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { state, version }: TaskCommandResult = await this.commands.execute(
      new UpdateTaskCommand(params.id, body, actorId(), commandContext()),
    );
    return written(state, version, reply);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a task',
    description: 'Deletes the task; answers 204 with no body. 404 for an unknown id.',
  })
  @ApiResponse({ status: 204, description: 'Deleted (ETag: the stream version of the deletion)' })
  @ApiProblemResponses(400, 401, 404)
  async remove(@ZodParams(taskIdParams) params: { id: string }, @Res({ passthrough: true }) reply: FastifyReply) {
    const { version }: TaskCommandResult = await this.commands.execute(
      new DeleteTaskCommand(params.id, actorId(), commandContext()),
    );
    reply.header('ETag', `"${version}"`);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Complete a task',
    description:
      'Completing a done task appends nothing, and a recurring task’s next occurrence (`nextTaskId`) is created once. ' +
      'Open subtasks (as of the last write, not the read model) need cascade=true (409 `TASK.OPEN_SUBTASKS` otherwise, listing them); ' +
      'with it they are completed first. Honours `Idempotency-Key` (per caller): a retry with the key answers 200 with the first answer ' +
      '(header `Idempotent-Replayed: true`) and completes nothing, even after the task was reopened (it only creates the next occurrence ' +
      'if the first attempt stopped before doing so); the key sent before for another task or another cascade is a 422 ' +
      '`IDEMPOTENCY.KEY_REUSED`; a malformed key is a 400. A key is kept 24 hours by default (`IDEMPOTENCY_KEY_RETENTION_HOURS`; deleted by the ' +
      'next retention pass after that): a retry with an older key is a new request.',
  })
  @ApiIdempotencyKey()
  @ApiZodResponse(200, taskDto)
  @ApiProblemResponses(400, 401, 403, 404, 409, 422)
  async complete(
    @ZodParams(taskIdParams) params: { id: string },
    @ZodQuery(completeTaskQuery) query: { cascade: boolean },
    @Headers('idempotency-key') rawKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = parseIdempotencyKey(rawKey);
    const result: CompleteTaskResult = await this.commands.execute(
      new CompleteTaskCommand(params.id, actorId(), query.cascade, new Date().toISOString(), commandContext(), key),
    );
    if (result.replayed) reply.header('Idempotent-Replayed', 'true');
    return { ...written(result.state, result.version, reply), nextTaskId: result.nextTaskId };
  }

  @Post(':id/attachments')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Attach a file to a task (metadata)',
    description:
      'Records a file’s name, media type, size and URL (https; http only for localhost) — the file itself is stored elsewhere and the URL is never fetched. At most 20 per task (409 beyond). Location names the attachment; the body carries the task’s new version.',
  })
  @ApiZodBody(attachmentBody)
  @ApiZodResponse(201, attachmentDto, 'Added; Location names the attachment')
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async addAttachment(
    @ZodParams(taskIdParams) params: { id: string },
    @Body(new ZodValidationPipe(attachmentBody)) body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { state, version, attachmentId }: AddTaskAttachmentResult = await this.commands.execute(
      new AddTaskAttachmentCommand(params.id, body, actorId(), commandContext()),
    );
    const attachment = state.kind === 'live' ? state.fields.attachments.find((a) => a.id === attachmentId) : undefined;
    reply.header('ETag', `"${version}"`);
    reply.header('Location', `/scheduling/v1/tasks/${params.id}/attachments/${attachmentId}`);
    return { ...attachment, taskId: params.id, version };
  }

  @Delete(':id/attachments/:attachmentId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove an attachment from a task',
    description:
      'Removes the attachment’s metadata; answers 204 (ETag: the task’s new version). 404 for an unknown one.',
  })
  @ApiResponse({ status: 204, description: 'Removed (ETag: the task’s version after the removal)' })
  @ApiProblemResponses(400, 401, 403, 404)
  async removeAttachment(
    @ZodParams(attachmentParams) params: { id: string; attachmentId: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { version }: TaskCommandResult = await this.commands.execute(
      new RemoveTaskAttachmentCommand(params.id, params.attachmentId, actorId(), commandContext()),
    );
    reply.header('ETag', `"${version}"`);
  }
}
