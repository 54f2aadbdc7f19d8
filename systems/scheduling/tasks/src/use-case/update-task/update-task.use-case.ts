import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleTaskCommand, type TaskCommandResult } from '../handle-task-command.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { TASK_READ_MODEL, type TaskReadModelPort } from '../port/task.read-model.port.js';
import { TASK_REPOSITORY, type TaskRepositoryPort } from '../port/task.repository.port.js';
import { assertCanAccess } from '../task-access.js';
import { taskLookups } from '../task-lookups.js';
import { UpdateTaskCommand } from './update-task.command.js';

/**
 * Applies a merge patch to a task the caller can access; a patch that changes nothing appends nothing
 * (same version).
 * @throws TaskNotFoundError (404), TaskValidationError (400, by field), TaskCycleError (409)
 */
@CommandHandler(UpdateTaskCommand)
export class UpdateTaskUseCase implements ICommandHandler<UpdateTaskCommand, TaskCommandResult> {
  constructor(
    @Inject(TASK_REPOSITORY) private readonly repository: TaskRepositoryPort,
    @Inject(TASK_READ_MODEL) private readonly readModel: TaskReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ taskId, patch, actorId, context }: UpdateTaskCommand): Promise<TaskCommandResult> {
    const lookups = await taskLookups(this.repository, patch, actorId);
    const result = await handleTaskCommand(
      this.repository,
      taskId,
      ({ state }) => {
        assertCanAccess(taskId, state, actorId);
        return { type: 'UpdateTask', data: { taskId, now: this.clock.now(), patch, lookups } };
      },
      context,
    );
    this.readModel.refresh();
    return result;
  }
}
