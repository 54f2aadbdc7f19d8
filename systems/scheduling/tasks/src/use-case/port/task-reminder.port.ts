import type { PlannedTaskReminder, TaskReminderChanges } from '../../entity/task/task-reminder-plan.js';

/**
 * The tasks reminder engine's tables (implemented in repository/ on Postgres): one row per reminder
 * with `dueAt` and `firedAt`, and the task version its reminders were planned from.
 */
export interface TaskReminderStorePort {
  /** Tasks whose reminders need planning: changed since last planned (by read-model version), or deleted. At most `limit`. */
  tasksToReplan(limit: number): Promise<string[]>;
  /** Unfired reminders of `taskId` due at or after `from`. */
  pending(taskId: string, from: string): Promise<PlannedTaskReminder[]>;
  /** Keys of the reminders of `taskId` already fired. */
  firedKeys(taskId: string): Promise<ReadonlySet<string>>;
  /** Applies the changes in one transaction. */
  apply(changes: TaskReminderChanges): Promise<void>;
  /** Records the read-model version the task's reminders were planned from (forgets a deleted task). */
  markPlanned(taskId: string): Promise<void>;
  /**
   * Claims up to `limit` unfired reminders due at or before `now` (FOR UPDATE SKIP LOCKED) and, in ONE
   * transaction, puts a TaskDueSoonV1 per reminder in the outbox and marks it fired: once per reminder,
   * across restarts and replicas. Returns how many fired.
   */
  fireDue(now: string, limit: number): Promise<number>;
}

export const TASK_REMINDER_STORE = Symbol('TaskReminderStorePort');
