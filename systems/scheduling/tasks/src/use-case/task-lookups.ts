import type { TaskLookups } from '../entity/task/task.decider.js';
import { LIMITS } from '../entity/task/task.model.js';
import type { TaskRepositoryPort } from './port/task.repository.port.js';
import { canAccess } from './task-access.js';

/**
 * The look-ups the Task decider needs for the fields a create or update touches: whether the
 * assignee is a member of the workspace (today only its owner, the caller, is), and the parent with
 * its ancestors (walked up the event streams, at most {@link LIMITS.depth} levels). A parent the
 * caller cannot access is reported as absent (the decider answers 400 on `parentId`).
 */
export async function taskLookups(
  repository: TaskRepositoryPort,
  touched: Readonly<Record<string, unknown>>,
  actorId: string,
): Promise<TaskLookups> {
  const lookups: { assigneeIsMember?: boolean; parent?: TaskLookups['parent'] } = {};
  if (typeof touched.assigneeId === 'string') lookups.assigneeIsMember = touched.assigneeId === actorId;
  if (typeof touched.parentId === 'string') {
    const { state } = await repository.load(touched.parentId);
    if (state.kind !== 'live' || !canAccess(actorId, state.fields.workspaceId)) {
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
