import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { planTaskReminders, reconcileTaskReminders } from '../../entity/task/task-reminder-plan.js';
import { TASK_READ_MODEL, type TaskReadModelPort } from '../port/task.read-model.port.js';
import { TASK_REMINDER_STORE, type TaskReminderStorePort } from '../port/task-reminder.port.js';
import { WORKSPACE_REPOSITORY, type WorkspaceRepositoryPort } from '../port/workspace.repository.port.js';
import { personalOwnerOf } from '../../entity/workspace/workspace.model.js';
import { RunTaskRemindersCommand } from './run-task-reminders.command.js';

/** Tasks re-planned and reminders fired per round at most. */
export const BATCH = 100;

/** What one round did. */
export interface TaskReminderRound {
  readonly replanned: number;
  readonly fired: number;
}

/**
 * One round of the tasks reminder engine (the command role runs it every `REMINDER_POLL_MS`): re-plans
 * the reminders of tasks whose read-model version moved or that were deleted — a changed due moves them,
 * completing, cancelling or deleting the task cancels them, a fired reminder is never planned again —
 * then fires what is due as TaskDueSoonV1 (exactly once, see {@link TaskReminderStorePort.fireDue}).
 * Safe on several replicas at once.
 */
@CommandHandler(RunTaskRemindersCommand)
export class RunTaskRemindersUseCase implements ICommandHandler<RunTaskRemindersCommand, TaskReminderRound> {
  constructor(
    @Inject(TASK_READ_MODEL) private readonly tasks: TaskReadModelPort,
    @Inject(TASK_REMINDER_STORE) private readonly store: TaskReminderStorePort,
    @Inject(WORKSPACE_REPOSITORY) private readonly workspaces: WorkspaceRepositoryPort,
  ) {}

  /** The owners of a shared workspace, sorted (none for a personal, absent or deleted one). */
  private async ownersOf(workspaceId: string): Promise<string[]> {
    if (personalOwnerOf(workspaceId) !== null) return [];
    const { state } = await this.workspaces.load(workspaceId);
    if (state.kind !== 'live') return [];
    return Object.entries(state.members)
      .filter(([, role]) => role === 'owner')
      .map(([userId]) => userId)
      .sort();
  }

  async execute({ now }: RunTaskRemindersCommand): Promise<TaskReminderRound> {
    const ids = await this.store.tasksToReplan(BATCH);
    for (const taskId of ids) {
      const view = await this.tasks.get(taskId);
      const owners = view && !view.assigneeId ? await this.ownersOf(view.workspaceId) : [];
      const planned = planTaskReminders(view && { taskId, status: view.status, fields: view }, now, owners);
      const changes = reconcileTaskReminders(
        await this.store.pending(taskId, now),
        planned,
        await this.store.firedKeys(taskId),
      );
      if (changes.add.length + changes.update.length + changes.cancel.length > 0) await this.store.apply(changes);
      await this.store.markPlanned(taskId);
    }
    return { replanned: ids.length, fired: await this.store.fireDue(now, BATCH) };
  }
}
