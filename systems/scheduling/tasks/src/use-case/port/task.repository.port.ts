import type { TaskState } from '../../entity/task/task.decider.js';
import type { TaskEvent } from '../../entity/task/task.events.js';
import type { CommandContext } from './command-context.js';
import type { KeyedAnswer } from './idempotency-key.port.js';

/** A task stream folded to its state, with the version to append at. */
export interface LoadedTask {
  readonly state: TaskState;
  /** Number of events in the stream (0 = absent). */
  readonly version: number;
}

/** Another writer appended to the stream since it was loaded; reload and decide again. */
export class ConcurrencyConflictError extends Error {
  readonly code = 'TASK.CONCURRENCY_CONFLICT';
  constructor(taskId: string) {
    super(`task ${taskId} was changed concurrently`);
  }
}

/** Event-sourced storage of tasks (to be implemented in repository/ on the platform event store). */
export interface TaskRepositoryPort {
  load(taskId: string): Promise<LoadedTask>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, the integration events they
   * imply (outbox) and `answer`, an Idempotency-Key's answer (kept as it was when the key is taken).
   * @throws ConcurrencyConflictError when the stream moved on
   */
  save(
    taskId: string,
    events: readonly TaskEvent[],
    expectedVersion: number,
    context: CommandContext,
    answer?: KeyedAnswer,
  ): Promise<void>;
  /** Ids of the subtasks of `taskId` that are neither done, cancelled nor deleted, as of the last committed write (not a read model). */
  openSubtaskIds(taskId: string): Promise<string[]>;
}

export const TASK_REPOSITORY = Symbol('TaskRepositoryPort');
