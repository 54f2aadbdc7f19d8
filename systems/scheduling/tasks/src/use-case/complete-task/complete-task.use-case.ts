import { blake3 } from '@archipelago/util-blake3';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { spawnNextOccurrence, type TaskState } from '../../entity/task/task.decider.js';
import { TaskAlreadyExistsError } from '../../entity/task/task.errors.js';
import { handleTaskCommand, type TaskCommandResult } from '../handle-task-command.js';
import { IDEMPOTENCY_KEY_STORE, type IdempotencyKeyStorePort } from '../port/idempotency-key.port.js';
import { WORKSPACE_REPOSITORY, type WorkspaceRepositoryPort } from '../port/workspace.repository.port.js';
import { assertCanWriteTask } from '../task-access.js';
import { type AnswerToStore, withIdempotencyKey } from '../with-idempotency-key.js';
import { TASK_REPOSITORY, type TaskRepositoryPort } from '../port/task.repository.port.js';
import { CompleteTaskCommand } from './complete-task.command.js';

/**
 * The id of the occurrence spawned by completing `taskId` at stream version `version`: a UUID-shaped
 * BLAKE3 digest, so every retry of that completion (Idempotency-Key or not) names the same stream.
 */
export function nextOccurrenceId(taskId: string, version: number): string {
  const hex = Array.from(blake3(`scheduling.task.next:${taskId}:${version}`, 16), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * What a completion returns: the completed task and the next occurrence when one was spawned;
 * `replayed` when it is the stored answer to an earlier request with the same Idempotency-Key.
 */
export interface CompleteTaskResult {
  readonly state: TaskState;
  readonly version: number;
  readonly nextTaskId: string | null;
  readonly replayed?: boolean;
}

/**
 * Completes a task. Idempotent: completing a done task appends nothing. Open subtasks need `cascade`
 * (409 otherwise); with it they are completed first. A recurring task's next occurrence is created on
 * the stream named by the completion — also when a retry finds the task already done (the first attempt
 * may have stopped between the two appends), so it exists exactly once.
 * A task in a workspace the actor is not a member of answers as absent; a viewer gets 403.
 * With an Idempotency-Key the answer is stored per caller in the transaction that appends the
 * completion (or, when the task was done already, once the work is done): a retry with the key answers
 * it again (`replayed`), completes nothing, even after the task was reopened, and only makes sure the
 * next occurrence exists (the first attempt may have stopped before creating it). The key sent for
 * another task or another `cascade` is refused. No answer is stored for an error; a key older than the
 * retention (`IDEMPOTENCY_KEY_RETENTION_HOURS`) is new again.
 * @throws TaskNotFoundError (404), WorkspaceForbiddenError (403), TaskHasOpenSubtasksError, TaskNotCompletableError (409),
 *   IdempotencyKeyReusedError (422)
 */
@CommandHandler(CompleteTaskCommand)
export class CompleteTaskUseCase implements ICommandHandler<CompleteTaskCommand, CompleteTaskResult> {
  constructor(
    @Inject(TASK_REPOSITORY) private readonly repository: TaskRepositoryPort,
    @Inject(WORKSPACE_REPOSITORY) private readonly workspaces: WorkspaceRepositoryPort,
    @Inject(IDEMPOTENCY_KEY_STORE) private readonly keys: IdempotencyKeyStorePort,
  ) {}

  async execute(command: CompleteTaskCommand): Promise<CompleteTaskResult> {
    const { taskId, cascade } = command;
    const fingerprint = JSON.stringify({ operation: 'complete', taskId, cascade });
    return withIdempotencyKey(
      this.keys,
      command.actorId,
      command.idempotencyKey,
      fingerprint,
      (store) => this.complete(command, store),
      (answer) => this.spawnNext(answer, command),
    );
  }

  private async complete(
    command: CompleteTaskCommand,
    store?: AnswerToStore<CompleteTaskResult>,
  ): Promise<CompleteTaskResult> {
    const { taskId, actorId, cascade, now, context } = command;
    if (cascade) {
      for (const subtaskId of await this.repository.openSubtaskIds(taskId)) {
        await this.complete(new CompleteTaskCommand(subtaskId, actorId, true, now, context));
      }
    }
    const result = await handleTaskCommand(
      this.repository,
      taskId,
      async ({ state: loaded, version }) => {
        await assertCanWriteTask(this.workspaces, taskId, loaded, actorId);
        return {
          type: 'CompleteTask',
          data: {
            taskId,
            now,
            cascade,
            openSubtaskIds: await this.repository.openSubtaskIds(taskId),
            nextTaskId: nextOccurrenceId(taskId, version),
          },
        } as const;
      },
      context,
      store && ((decided) => store(answerOf(decided))),
    );
    const answer = answerOf(result);
    await this.spawnNext(answer, command);
    return answer;
  }

  /**
   * Creates the occurrence the completion in `answer` spawned unless its stream exists already (also
   * when it was deleted since): every retry may call it.
   */
  private async spawnNext(
    { state, version }: CompleteTaskResult,
    { taskId, actorId, cascade, now, context }: CompleteTaskCommand,
  ) {
    const next = spawnedBy(state);
    if (!next) return;
    const spawn = spawnNextOccurrence(
      state,
      {
        type: 'TaskCompleted',
        data: {
          taskId,
          workspaceId: state.kind === 'live' ? state.fields.workspaceId : '',
          cascade,
          next,
          at: state.kind === 'live' ? (state.completedAt ?? now) : now,
        },
      },
      actorId,
    );
    if (!spawn) return;
    try {
      await handleTaskCommand(this.repository, next.taskId, () => spawn, {
        ...context,
        causationId: `${taskId}@${version}`,
      });
    } catch (error) {
      if (!(error instanceof TaskAlreadyExistsError)) throw error;
    }
  }
}

/** The answer of a completion: the task after it, its version, the occurrence it spawned. */
function answerOf({ state, version }: TaskCommandResult): CompleteTaskResult {
  return { state, version, nextTaskId: spawnedBy(state)?.taskId ?? null };
}

/** The next occurrence a completed task names (recurring tasks), or null. */
function spawnedBy(state: TaskState) {
  return state.kind === 'live' && state.status === 'done' ? state.next : null;
}
