import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleTaskCommand, type TaskCommandResult } from '../handle-task-command.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { TASK_READ_MODEL, type TaskReadModelPort } from '../port/task.read-model.port.js';
import { TASK_REPOSITORY, type TaskRepositoryPort } from '../port/task.repository.port.js';
import { WORKSPACE_REPOSITORY, type WorkspaceRepositoryPort } from '../port/workspace.repository.port.js';
import { assertCanWriteTask } from '../task-access.js';
import { DeleteTaskCommand } from './delete-task.command.js';

/**
 * Deletes a task the caller can access (the stream stays for audit; later commands get 404).
 * @throws TaskNotFoundError (404)
 */
@CommandHandler(DeleteTaskCommand)
export class DeleteTaskUseCase implements ICommandHandler<DeleteTaskCommand, TaskCommandResult> {
  constructor(
    @Inject(TASK_REPOSITORY) private readonly repository: TaskRepositoryPort,
    @Inject(TASK_READ_MODEL) private readonly readModel: TaskReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WORKSPACE_REPOSITORY) private readonly workspaces: WorkspaceRepositoryPort,
  ) {}

  async execute({ taskId, actorId, context }: DeleteTaskCommand): Promise<TaskCommandResult> {
    const result = await handleTaskCommand(
      this.repository,
      taskId,
      async ({ state }) => {
        await assertCanWriteTask(this.workspaces, taskId, state, actorId);
        return { type: 'DeleteTask', data: { taskId, now: this.clock.now() } } as const;
      },
      context,
    );
    this.readModel.refresh();
    return result;
  }
}
