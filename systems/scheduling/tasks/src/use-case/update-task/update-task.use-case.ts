import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleTaskCommand, type TaskCommandResult } from '../handle-task-command.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { TASK_READ_MODEL, type TaskReadModelPort } from '../port/task.read-model.port.js';
import { TASK_REPOSITORY, type TaskRepositoryPort } from '../port/task.repository.port.js';
import { WORKSPACE_REPOSITORY, type WorkspaceRepositoryPort } from '../port/workspace.repository.port.js';
import { assertCanWriteTask } from '../task-access.js';
import { taskLookups } from '../task-lookups.js';
import { UpdateTaskCommand } from './update-task.command.js';

/**
 * Applies a merge patch to a task the caller can access; a patch that changes nothing appends nothing
 * (same version).
 * @throws TaskNotFoundError (404), WorkspaceForbiddenError (403: a viewer), TaskValidationError (400, by field), TaskCycleError (409)
 */
@CommandHandler(UpdateTaskCommand)
export class UpdateTaskUseCase implements ICommandHandler<UpdateTaskCommand, TaskCommandResult> {
  constructor(
    @Inject(TASK_REPOSITORY) private readonly repository: TaskRepositoryPort,
    @Inject(TASK_READ_MODEL) private readonly readModel: TaskReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WORKSPACE_REPOSITORY) private readonly workspaces: WorkspaceRepositoryPort,
  ) {}

  async execute({ taskId, patch, actorId, context }: UpdateTaskCommand): Promise<TaskCommandResult> {
    const result = await handleTaskCommand(
      this.repository,
      taskId,
      async ({ state }) => {
        await assertCanWriteTask(this.workspaces, taskId, state, actorId);
        const workspaceId = state.kind === 'live' ? state.fields.workspaceId : '';
        const lookups = await taskLookups(this.repository, this.workspaces, patch, workspaceId, actorId);
        return { type: 'UpdateTask', data: { taskId, now: this.clock.now(), patch, lookups } };
      },
      context,
    );
    this.readModel.refresh();
    return result;
  }
}
