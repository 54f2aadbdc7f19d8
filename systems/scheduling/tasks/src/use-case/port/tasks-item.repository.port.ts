import type { TasksItemEvent } from '../../entity/tasks-item/tasks-item.events.js';
import type { TasksItemState } from '../../entity/tasks-item/tasks-item.state.js';
import type { CommandContext } from './command-context.js';

/** A TasksItem stream folded to its state, with the version to append at. */
export interface LoadedTasksItem {
  readonly state: TasksItemState;
  /** Number of events in the stream (0 = absent). */
  readonly version: number;
}

/** Another writer appended to the stream since it was loaded; reload and decide again. */
export class ConcurrencyConflictError extends Error {
  readonly code = 'TASKS_ITEM.CONCURRENCY_CONFLICT';
  constructor(itemId: string) {
    super(`TasksItem ${itemId} was changed concurrently`);
  }
}

/** Event-sourced storage of TasksItem aggregates (implemented in repository/). */
export interface TasksItemRepositoryPort {
  load(itemId: string): Promise<LoadedTasksItem>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, the integration events
   * they imply (outbox).
   * @throws ConcurrencyConflictError when the stream moved on
   */
  save(
    itemId: string,
    events: readonly TasksItemEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void>;
}

export const TASKS_ITEM_REPOSITORY = Symbol('TasksItemRepositoryPort');
