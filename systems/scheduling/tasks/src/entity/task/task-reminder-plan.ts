import { personalOwnerOf } from '../workspace/workspace.model.js';
import type { Due, TaskFields, TaskStatus } from './task.model.js';
import { taskReminderTimes } from './task.reminders.js';

/**
 * One reminder of one task as the tasks reminder engine stores it. `key` identifies it for
 * exactly-once delivery: the task, its due (so a changed due is a new reminder, and reminds again) and
 * the reminder itself (its offset or instant, not its position in the list).
 */
export interface PlannedTaskReminder {
  readonly key: string;
  readonly taskId: string;
  readonly workspaceId: string;
  readonly title: string;
  readonly due: Due | null;
  /** When it fires: a UTC instant (RFC 3339). */
  readonly dueAt: string;
  readonly recipients: readonly string[];
}

/** What the planner needs of a task: its fields and status (null when deleted). */
export interface TaskForReminders {
  readonly taskId: string;
  readonly status: TaskStatus;
  readonly fields: TaskFields;
}

const dueLabel = (due: Due | null): string =>
  due === null ? 'none' : 'date' in due ? due.date : `${due.dateTime}@${due.timeZone}`;

/**
 * The reminders of a task still to fire at `now` or later, sorted by time: none for a deleted, done or
 * cancelled task. Relative reminders count from the due (util-calendar `reminderDueAt`, nominal days);
 * absolute ones fire at their instant. Recipients: the assignee, else the user of a personal
 * workspace, else the shared workspace's `owners` (as its stream says when the reminders are planned).
 */
export function planTaskReminders(
  task: TaskForReminders | null,
  now: string,
  owners: readonly string[] = [],
): PlannedTaskReminder[] {
  if (!task || task.status === 'done' || task.status === 'cancelled') return [];
  const { fields } = task;
  const owner = personalOwnerOf(fields.workspaceId);
  const recipients = fields.assigneeId ? [fields.assigneeId] : owner ? [owner] : [...owners];
  const nowMs = Date.parse(now);
  return taskReminderTimes(fields)
    .filter((r) => Date.parse(r.dueAt) >= nowMs)
    .map((r) => {
      const reminder = fields.reminders[r.reminderIndex]!;
      const spec = 'offset' in reminder ? `offset:${reminder.offset}` : `at:${reminder.at}`;
      return {
        key: `${task.taskId}|${dueLabel(fields.due)}|${spec}`,
        taskId: task.taskId,
        workspaceId: fields.workspaceId,
        title: fields.title,
        due: fields.due,
        dueAt: r.dueAt,
        recipients,
      };
    });
}

/** How the stored, unfired reminders of a task change after it changed. */
export interface TaskReminderChanges {
  readonly add: PlannedTaskReminder[];
  /** Same key, new time, title or recipients. */
  readonly update: PlannedTaskReminder[];
  /** Keys of pending reminders that no longer exist (due changed, reminder removed, task done or deleted). */
  readonly cancel: string[];
}

/**
 * Compares the pending reminders of a task (those still to fire) with a fresh plan. Keys in `fired` are
 * never added again: each reminder fires once.
 */
export function reconcileTaskReminders(
  pending: readonly PlannedTaskReminder[],
  planned: readonly PlannedTaskReminder[],
  fired: ReadonlySet<string> = new Set(),
): TaskReminderChanges {
  const before = new Map(pending.map((p) => [p.key, p]));
  const after = new Set(planned.map((p) => p.key));
  const add: PlannedTaskReminder[] = [];
  const update: PlannedTaskReminder[] = [];
  for (const p of planned) {
    const old = before.get(p.key);
    if (!old) {
      if (!fired.has(p.key)) add.push(p);
    } else if (old.dueAt !== p.dueAt || old.title !== p.title || old.recipients.join() !== p.recipients.join())
      update.push(p);
  }
  return { add, update, cancel: [...before.keys()].filter((key) => !after.has(key)) };
}
