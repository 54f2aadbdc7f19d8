import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleTaskCommand, type TaskCommandResult } from '../handle-task-command.js';
import { defaultRemindersFor } from '../../entity/task/task.reminders.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { MEMBER_REMINDER_DEFAULTS, type MemberReminderDefaultsPort } from '../port/member-reminder-defaults.port.js';
import { TASK_READ_MODEL, type TaskReadModelPort } from '../port/task.read-model.port.js';
import { TASK_REPOSITORY, type TaskRepositoryPort } from '../port/task.repository.port.js';
import { WORKSPACE_REPOSITORY, type WorkspaceRepositoryPort } from '../port/workspace.repository.port.js';
import { personalWorkspaceId, requireWriter } from '../task-access.js';
import { taskLookups } from '../task-lookups.js';
import { CreateTaskCommand } from './create-task.command.js';

/**
 * Creates a task with a fresh id in the caller's personal workspace (when `workspaceId` is left out)
 * or the workspace named, where the caller must be an owner or editor. A request without a `reminders`
 * key gets the creator's default reminders in that workspace (set in calendar, kept here from
 * MemberReminderDefaultsSetV1; without a due only the absolute ones: `defaultRemindersFor`); an
 * explicit list, even empty, wins.
 * @throws TaskValidationError (400, by field), WorkspaceNotFoundError (404: not a member), WorkspaceForbiddenError (403: a viewer), TaskCycleError (409)
 */
@CommandHandler(CreateTaskCommand)
export class CreateTaskUseCase implements ICommandHandler<CreateTaskCommand, TaskCommandResult> {
  constructor(
    @Inject(TASK_REPOSITORY) private readonly repository: TaskRepositoryPort,
    @Inject(TASK_READ_MODEL) private readonly readModel: TaskReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WORKSPACE_REPOSITORY) private readonly workspaces: WorkspaceRepositoryPort,
    @Inject(MEMBER_REMINDER_DEFAULTS) private readonly defaults: MemberReminderDefaultsPort,
  ) {}

  async execute({ input, actorId, context }: CreateTaskCommand): Promise<TaskCommandResult> {
    // Only a missing key means the personal workspace; null (like any non-string) is a 400 by field.
    const workspaceId = input.workspaceId === undefined ? personalWorkspaceId(actorId) : input.workspaceId;
    if (typeof workspaceId === 'string') await requireWriter(this.workspaces, workspaceId, actorId);
    const reminders =
      input.reminders === undefined && typeof workspaceId === 'string'
        ? defaultRemindersFor(
            input.due !== undefined && input.due !== null,
            await this.defaults.defaultsOf(workspaceId, actorId),
          )
        : [];
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
        data: {
          taskId,
          now: this.clock.now(),
          input: { ...input, ...(reminders.length > 0 && { reminders }), workspaceId },
          createdBy: actorId,
          lookups,
        },
      }),
      context,
    );
    this.readModel.refresh();
    return result;
  }
}
