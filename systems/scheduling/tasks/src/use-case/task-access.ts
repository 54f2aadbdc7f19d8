import { DomainError } from '@archipelago/util-decider';
import type { TaskState } from '../entity/task/task.decider.js';
import { TaskNotFoundError } from '../entity/task/task.errors.js';

/**
 * The personal workspace of a user (`personal:<sub>`): where a task goes when the request names no
 * workspace. Shared workspaces with members are not built yet (issue 16 §2), so a user reaches only
 * their personal workspace.
 */
export const personalWorkspaceId = (actorId: string): string => `personal:${actorId}`;

/** Whether `actorId` may see tasks of `workspaceId` (a member of it: today, its owner). */
export const canAccess = (actorId: string, workspaceId: string): boolean =>
  workspaceId === personalWorkspaceId(actorId);

/**
 * Hides a task from a caller who is not a member of its workspace: such a task answers exactly like
 * one that does not exist.
 * @throws TaskNotFoundError (404) when the task is live in a workspace `actorId` cannot access
 */
export function assertCanAccess(taskId: string, state: TaskState, actorId: string): void {
  if (state.kind === 'live' && !canAccess(actorId, state.fields.workspaceId)) throw new TaskNotFoundError(taskId);
}

/** The workspace does not exist or the caller is not a member of it (404, as for a missing one). */
export class WorkspaceNotFoundError extends DomainError {
  readonly code = 'WORKSPACE.NOT_FOUND';
  constructor(workspaceId: string) {
    super(`workspace ${workspaceId} does not exist`, { workspaceId });
  }
}
