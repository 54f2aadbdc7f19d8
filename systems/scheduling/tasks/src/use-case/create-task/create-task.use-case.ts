import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleTaskCommand, type TaskCommandResult } from '../handle-task-command.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { TASK_READ_MODEL, type TaskReadModelPort } from '../port/task.read-model.port.js';
import { TASK_REPOSITORY, type TaskRepositoryPort } from '../port/task.repository.port.js';
import { WORKSPACE_REPOSITORY, type WorkspaceRepositoryPort } from '../port/workspace.repository.port.js';
import { personalWorkspaceId, requireWriter } from '../task-access.js';
import { taskLookups } from '../task-lookups.js';
import { CreateTaskCommand } from './create-task.command.js';

/**
 * Creates a task with a fresh id in the caller's personal workspace (when `workspaceId` is left out)
 * or the workspace named, where the caller must be an owner or editor.
 * @throws TaskValidationError (400, by field), WorkspaceNotFoundError (404: not a member), WorkspaceForbiddenError (403: a viewer), TaskCycleError (409)
 */
@CommandHandler(CreateTaskCommand)
export class CreateTaskUseCase implements ICommandHandler<CreateTaskCommand, TaskCommandResult> {
  constructor(
    @Inject(TASK_REPOSITORY) private readonly repository: TaskRepositoryPort,
    @Inject(TASK_READ_MODEL) private readonly readModel: TaskReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WORKSPACE_REPOSITORY) private readonly workspaces: WorkspaceRepositoryPort,
  ) {}

  async execute({ input, actorId, context }: CreateTaskCommand): Promise<TaskCommandResult> {
    // Only a missing key means the personal workspace; null (like any non-string) is a 400 by field.
    const workspaceId = input.workspaceId === undefined ? personalWorkspaceId(actorId) : input.workspaceId;
    if (typeof workspaceId === 'string') await requireWriter(this.workspaces, workspaceId, actorId);
    const taskId = globalThis.crypto.randomUUID();
    const lookups = await taskLookups(
      this.repository,
      this.workspaces,
      input,
      typeof workspaceId === 'string' ? workspaceId : '',
      actorId,
    );
    const result = await handleTaskCommand(
      this.repository,
      taskId,
      () => ({
        type: 'CreateTask',
        data: { taskId, now: this.clock.now(), input: { ...input, workspaceId }, createdBy: actorId, lookups },
      }),
      context,
    );
    this.readModel.refresh();
    return result;
  }
}
