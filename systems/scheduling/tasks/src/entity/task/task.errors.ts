import type { FieldProblem } from '@archipelago/util-calendar';
import { DomainError } from '@archipelago/util-decider';

/** The command's input breaks the task's rules; each problem names its field (400, RFC 9457 `errors`). */
export class TaskValidationError extends DomainError {
  readonly code = 'TASK.INVALID';
  readonly problems: readonly FieldProblem[];
  constructor(problems: readonly FieldProblem[]) {
    super(`the task is not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, { problems });
    this.problems = problems;
  }
}

/** No task with this id, or it was deleted (404). */
export class TaskNotFoundError extends DomainError {
  readonly code = 'TASK.NOT_FOUND';
  constructor(taskId: string) {
    super(`task ${taskId} does not exist`, { taskId });
  }
}

/** A task with this id exists already (409). */
export class TaskAlreadyExistsError extends DomainError {
  readonly code = 'TASK.ALREADY_EXISTS';
  constructor(taskId: string) {
    super(`task ${taskId} exists already`, { taskId });
  }
}

/** The new parent is the task itself or one of its subtasks: the tree would get a cycle (409). */
export class TaskCycleError extends DomainError {
  readonly code = 'TASK.CYCLE';
  constructor(taskId: string, parentId: string) {
    super(`task ${parentId} is ${taskId} or one of its subtasks and cannot be its parent`, { taskId, parentId });
  }
}

/** Completing a task with open subtasks needs `cascade` (409); `openSubtaskIds` lists them. */
export class TaskHasOpenSubtasksError extends DomainError {
  readonly code = 'TASK.OPEN_SUBTASKS';
  constructor(taskId: string, openSubtaskIds: readonly string[]) {
    super(`task ${taskId} has ${openSubtaskIds.length} open subtask(s); complete them or pass cascade=true`, {
      taskId,
      openSubtaskIds: [...openSubtaskIds],
    });
  }
}

/** A cancelled task cannot be completed; reopen it first (409). */
export class TaskNotCompletableError extends DomainError {
  readonly code = 'TASK.NOT_COMPLETABLE';
  constructor(taskId: string, status: string) {
    super(`task ${taskId} is ${status} and cannot be completed`, { taskId, status });
  }
}

/** No attachment with this id on the task (404). */
export class AttachmentNotFoundError extends DomainError {
  readonly code = 'TASK.ATTACHMENT_NOT_FOUND';
  constructor(taskId: string, attachmentId: string) {
    super(`task ${taskId} has no attachment ${attachmentId}`, { taskId, attachmentId });
  }
}

/** The task has the most attachments it may have; remove one first (409). */
export class TooManyAttachmentsError extends DomainError {
  readonly code = 'TASK.TOO_MANY_ATTACHMENTS';
  constructor(taskId: string, limit: number) {
    super(`task ${taskId} has ${limit} attachments, the most it may have; remove one first`, { taskId, limit });
  }
}
