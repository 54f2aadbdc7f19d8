import { DomainError } from '@archipelago/util-decider';

/** No TasksItem with this id. */
export class TasksItemNotFoundError extends DomainError {
  readonly code = 'TASKS_ITEM.NOT_FOUND';
  constructor(itemId: string) {
    super(`TasksItem ${itemId} does not exist`, { itemId });
  }
}

/** The TasksItem already exists (same id). */
export class TasksItemAlreadyExistsError extends DomainError {
  readonly code = 'TASKS_ITEM.ALREADY_EXISTS';
  constructor(itemId: string) {
    super(`TasksItem ${itemId} already exists`, { itemId });
  }
}

/** A rule on the command's values (an empty name …). */
export class InvalidTasksItemCommandError extends DomainError {
  readonly code = 'TASKS_ITEM.INVALID';
  constructor(detail: string) {
    super(detail);
  }
}
