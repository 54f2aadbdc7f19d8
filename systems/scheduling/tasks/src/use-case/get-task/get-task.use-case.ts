import { DomainError } from '@archipelago/util-decider';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TaskNotFoundError } from '../../entity/task/task.errors.js';
import { TASK_READ_MODEL, type TaskReadModelPort, type TaskView } from '../port/task.read-model.port.js';
import { TASK_REPOSITORY, type TaskRepositoryPort } from '../port/task.repository.port.js';
import { WORKSPACE_REPOSITORY, type WorkspaceRepositoryPort } from '../port/workspace.repository.port.js';
import { roleOf } from '../task-access.js';
import { GetTaskQuery } from './get-task.query.js';

/** How long a read with `minVersion` waits for the projection (ms), and how often it looks. */
export const MIN_VERSION_WAIT_MS = 2000;
const POLL_MS = 20;

/** The read model has not reached the version asked for within {@link MIN_VERSION_WAIT_MS} (409; retry). */
export class StaleReadError extends DomainError {
  readonly code = 'TASK.STALE_READ';
  constructor(taskId: string, minVersion: number, seen: number | null) {
    super(`task ${taskId} is not at version ${minVersion} on the query side yet (seen: ${seen ?? 'none'}); retry`, {
      taskId,
      minVersion,
      seen,
    });
  }
}

/**
 * Reads a task from the query side (`task_list`). With `minVersion`, waits up to 2 s for the
 * projection to reach that version, so a client reads its own write — but only when waiting can help:
 * when the read model is behind, the write side (the task's stream, committed before any write
 * answered) is asked once, and a task it does not have (never created, or deleted) or in a workspace
 * the caller is not a member of is 404 at once, and a `minVersion` beyond the stream's version (a
 * version no write answered) is 409 at once.
 * @throws TaskNotFoundError (404: absent, deleted, or in a workspace the caller is not a member of), StaleReadError (409)
 */
@QueryHandler(GetTaskQuery)
export class GetTaskUseCase implements IQueryHandler<GetTaskQuery, TaskView> {
  constructor(
    @Inject(TASK_READ_MODEL) private readonly readModel: TaskReadModelPort,
    @Inject(WORKSPACE_REPOSITORY) private readonly workspaces: WorkspaceRepositoryPort,
    @Inject(TASK_REPOSITORY) private readonly writeSide: TaskRepositoryPort,
  ) {}

  async execute({ taskId, actorId, minVersion }: GetTaskQuery): Promise<TaskView> {
    const deadline = Date.now() + MIN_VERSION_WAIT_MS;
    let checked = false;
    for (;;) {
      const view = await this.readModel.get(taskId);
      if (view && (await roleOf(this.workspaces, view.workspaceId, actorId)) === null) {
        throw new TaskNotFoundError(taskId);
      }
      if (minVersion === undefined || (view && view.version >= minVersion)) {
        if (!view) throw new TaskNotFoundError(taskId);
        return view;
      }
      if (!checked) {
        checked = true;
        const { state, version } = await this.writeSide.load(taskId);
        if (state.kind !== 'live' || (await roleOf(this.workspaces, state.fields.workspaceId, actorId)) === null)
          throw new TaskNotFoundError(taskId);
        if (version < minVersion) throw new StaleReadError(taskId, minVersion, view?.version ?? null);
      }
      if (Date.now() >= deadline) throw new StaleReadError(taskId, minVersion, view?.version ?? null);
      this.readModel.refresh();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
