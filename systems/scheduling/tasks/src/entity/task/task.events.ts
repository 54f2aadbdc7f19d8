import type { Attachment, Due, TaskFields, TaskStatus } from './task.model.js';

/** A task was created (status `todo`); `previousTaskId` links the occurrence a recurring task spawned. */
export interface TaskCreated {
  readonly type: 'TaskCreated';
  readonly data: TaskFields & {
    readonly taskId: string;
    readonly previousTaskId: string | null;
    readonly createdBy: string;
    readonly at: string;
  };
}

/** Fields changed by an update, only those whose value changed (a JSON merge patch of the task). */
export interface TaskUpdated {
  readonly type: 'TaskUpdated';
  readonly data: {
    readonly taskId: string;
    readonly changes: Partial<TaskFields> & { readonly status?: Exclude<TaskStatus, 'done'> };
    readonly at: string;
  };
}

/**
 * The task was completed. For a recurring task, `next` names the occurrence to create (its id chosen
 * by the caller, so a retried completion creates it once) and its due.
 */
export interface TaskCompleted {
  readonly type: 'TaskCompleted';
  readonly data: {
    readonly taskId: string;
    readonly workspaceId: string;
    readonly cascade: boolean;
    readonly next: { readonly taskId: string; readonly due: Due } | null;
    readonly at: string;
  };
}

/** The task was deleted; its stream stays for audit, commands get 404. */
export interface TaskDeleted {
  readonly type: 'TaskDeleted';
  readonly data: { readonly taskId: string; readonly workspaceId: string; readonly at: string };
}

/** An attachment (metadata) was added to the task. */
export interface TaskAttachmentAdded {
  readonly type: 'TaskAttachmentAdded';
  readonly data: { readonly taskId: string; readonly attachment: Attachment; readonly at: string };
}

/** An attachment was removed from the task. */
export interface TaskAttachmentRemoved {
  readonly type: 'TaskAttachmentRemoved';
  readonly data: { readonly taskId: string; readonly attachmentId: string; readonly at: string };
}

export type TaskEvent =
  TaskCreated | TaskUpdated | TaskCompleted | TaskDeleted | TaskAttachmentAdded | TaskAttachmentRemoved;
