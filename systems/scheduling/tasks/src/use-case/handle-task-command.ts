import { taskDecider, type TaskCommand, type TaskState } from '../entity/task/task.decider.js';
import type { TaskEvent } from '../entity/task/task.events.js';
import type { CommandContext } from './port/command-context.js';
import type { KeyedAnswer } from './port/idempotency-key.port.js';
import { ConcurrencyConflictError, type TaskRepositoryPort } from './port/task.repository.port.js';

/** Attempts of load → decide → save before a concurrency conflict is given up. */
export const MAX_ATTEMPTS = 5;

/** What one command did: the state after it, its version, and the events appended (none when nothing changed). */
export interface TaskCommandResult {
  readonly state: TaskState;
  readonly version: number;
  readonly events: readonly TaskEvent[];
}

/**
 * Load → decide → save on `repository`, decided again on fresh state when another writer appended first
 * (optimistic concurrency). Saves nothing when the decider decides nothing. Domain errors propagate.
 * `build` makes the command from the loaded state (for look-ups that depend on it). `answerOf`, when
 * given, makes an Idempotency-Key's answer from the result, saved in the transaction of the events (none
 * is saved when nothing is decided).
 */
export async function handleTaskCommand(
  repository: TaskRepositoryPort,
  taskId: string,
  build: (loaded: { state: TaskState; version: number }) => Promise<TaskCommand> | TaskCommand,
  context: CommandContext,
  answerOf?: (result: TaskCommandResult) => KeyedAnswer,
): Promise<TaskCommandResult> {
  for (let attempt = 1; ; attempt++) {
    const { state, version } = await repository.load(taskId);
    const events = taskDecider.decide(await build({ state, version }), state);
    const result = { state: events.reduce(taskDecider.evolve, state), version: version + events.length, events };
    try {
      if (events.length > 0) await repository.save(taskId, events, version, context, answerOf?.(result));
      return result;
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
