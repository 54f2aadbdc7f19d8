import { z } from 'zod';

/**
 * Integration events published by scheduling/tasks (its published language). Topic names
 * follow `<system>.<service>.<event-name>.v<major>`; key = task id; CloudEvents `type` =
 * `archipelago.scheduling.tasks.<Name>`. A breaking change gets a new major (new topic);
 * additive optional fields keep the major. Recorded in ../../schemas/<Name>.json.
 */
const due = z.union([
  z.object({ date: z.iso.date() }),
  z.object({ dateTime: z.string().describe('local date-time in timeZone'), timeZone: z.string() }),
]);

/** A task was created (also the next occurrence of a recurring task: `previousTaskId` names the one completed). */
export const taskCreatedV1Schema = z.object({
  taskId: z.uuid(),
  workspaceId: z.string(),
  title: z.string(),
  priority: z.number().int().min(1).max(4),
  due: due.nullable(),
  assigneeId: z.string().nullable(),
  parentId: z.string().nullable(),
  previousTaskId: z.string().nullable(),
  createdBy: z.string(),
  occurredAt: z.iso.datetime(),
});
export type TaskCreatedV1 = z.infer<typeof taskCreatedV1Schema>;

/** A task was completed; `nextTaskId` names the occurrence a recurring task spawned. */
export const taskCompletedV1Schema = z.object({
  taskId: z.uuid(),
  workspaceId: z.string(),
  nextTaskId: z.string().nullable(),
  occurredAt: z.iso.datetime(),
});
export type TaskCompletedV1 = z.infer<typeof taskCompletedV1Schema>;

/** A task got an assignee (on create or update); `assigneeId` null when it was unassigned. */
export const taskAssignedV1Schema = z.object({
  taskId: z.uuid(),
  workspaceId: z.string(),
  assigneeId: z.string().nullable(),
  occurredAt: z.iso.datetime(),
});
export type TaskAssignedV1 = z.infer<typeof taskAssignedV1Schema>;

/** Every integration event of tasks: topic, CloudEvents type and payload schema. */
/**
 * A reminder of a task is due (the tasks reminder engine fires each one once, through the outbox, in the
 * transaction that marks it fired): `dueAt` is when the reminder fires (its offset before the task's
 * `due`, or its absolute time). `recipients` are the assignee, else the owner of a personal workspace;
 * empty means the workspace's owners. `key` identifies the reminder (consumers may deduplicate on it):
 * a changed due is a new reminder.
 */
export const taskDueSoonV1Schema = z.object({
  key: z.string(),
  taskId: z.uuid(),
  workspaceId: z.string(),
  title: z.string(),
  due: due.nullable(),
  dueAt: z.iso.datetime(),
  recipients: z.array(z.string()),
  occurredAt: z.iso.datetime(),
});
export type TaskDueSoonV1 = z.infer<typeof taskDueSoonV1Schema>;

export const TASKS_EVENTS = {
  TaskCreatedV1: {
    topic: 'scheduling.tasks.task-created.v1',
    type: 'archipelago.scheduling.tasks.TaskCreatedV1',
    schema: taskCreatedV1Schema,
  },
  TaskCompletedV1: {
    topic: 'scheduling.tasks.task-completed.v1',
    type: 'archipelago.scheduling.tasks.TaskCompletedV1',
    schema: taskCompletedV1Schema,
  },
  TaskAssignedV1: {
    topic: 'scheduling.tasks.task-assigned.v1',
    type: 'archipelago.scheduling.tasks.TaskAssignedV1',
    schema: taskAssignedV1Schema,
  },
  TaskDueSoonV1: {
    topic: 'scheduling.tasks.task-due-soon.v1',
    type: 'archipelago.scheduling.tasks.TaskDueSoonV1',
    schema: taskDueSoonV1Schema,
  },
} as const;
