import type { TaskLookups } from '../entity/task/task.decider.js';
import { LIMITS } from '../entity/task/task.model.js';
import type { TaskRepositoryPort } from './port/task.repository.port.js';
import type { WorkspaceRepositoryPort } from './port/workspace.repository.port.js';
import { roleOf } from './task-access.js';

/**
 * The look-ups the Task decider needs for the fields a create or update touches: whether the
 * assignee is a member of the task's workspace `workspaceId` (any role), and the parent with its
 * ancestors (walked up the event streams, at most {@link LIMITS.depth} levels). A parent in a
 * workspace the caller is not a member of is reported as absent (the decider answers 400 on `parentId`).
 */
export async function taskLookups(
  repository: TaskRepositoryPort,
  workspaces: WorkspaceRepositoryPort,
  touched: Readonly<Record<string, unknown>>,
  workspaceId: string,
  actorId: string,
): Promise<TaskLookups> {
  const lookups: { assigneeIsMember?: boolean; parent?: TaskLookups['parent'] } = {};
  if (typeof touched.assigneeId === 'string') {
    lookups.assigneeIsMember =
      workspaceId !== '' && (await roleOf(workspaces, workspaceId, touched.assigneeId)) !== null;
  }
  if (typeof touched.parentId === 'string') {
    const { state } = await repository.load(touched.parentId);
    if (state.kind !== 'live' || (await roleOf(workspaces, state.fields.workspaceId, actorId)) === null) {
      lookups.parent = null;
    } else {
      const ancestorIds: string[] = [];
      let next = state.fields.parentId;
      while (next !== null && ancestorIds.length <= LIMITS.depth) {
        ancestorIds.push(next);
        const { state: up } = await repository.load(next);
        next = up.kind === 'live' ? up.fields.parentId : null;
      }
      lookups.parent = { taskId: state.taskId, workspaceId: state.fields.workspaceId, ancestorIds };
    }
  }
  return lookups;
}
