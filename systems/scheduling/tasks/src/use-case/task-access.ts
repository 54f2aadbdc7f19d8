import type { TaskState } from '../entity/task/task.decider.js';
import { TaskNotFoundError } from '../entity/task/task.errors.js';
import { initialWorkspaceState, roleIn } from '../entity/workspace/workspace.decider.js';
import { WorkspaceForbiddenError, WorkspaceNotFoundError } from '../entity/workspace/workspace.errors.js';
import { canWrite, personalOwnerOf, type WorkspaceRole } from '../entity/workspace/workspace.model.js';
import type { WorkspaceRepositoryPort } from './port/workspace.repository.port.js';

export { personalWorkspaceId } from '../entity/workspace/workspace.model.js';
export { WorkspaceNotFoundError } from '../entity/workspace/workspace.errors.js';

/**
 * The role of `userId` in `workspaceId`, or null when not a member: a personal workspace
 * (`personal:<sub>`) has its user as only owner; a shared one is read from its stream (strongly
 * consistent, so a member removed a moment ago can no longer write).
 */
export async function roleOf(
  workspaces: WorkspaceRepositoryPort,
  workspaceId: string,
  userId: string,
): Promise<WorkspaceRole | null> {
  if (personalOwnerOf(workspaceId) !== null) return roleIn(initialWorkspaceState(), workspaceId, userId);
  const { state } = await workspaces.load(workspaceId);
  return roleIn(state, workspaceId, userId);
}

/**
 * The caller's role in a workspace they must see.
 * @throws WorkspaceNotFoundError (404) when they are not a member (as for a missing workspace)
 */
export async function requireMember(
  workspaces: WorkspaceRepositoryPort,
  workspaceId: string,
  actorId: string,
): Promise<WorkspaceRole> {
  const role = await roleOf(workspaces, workspaceId, actorId);
  if (role === null) throw new WorkspaceNotFoundError(workspaceId);
  return role;
}

/**
 * Checks the caller may write in a workspace: an owner or editor.
 * @throws WorkspaceNotFoundError (404) for a non-member, WorkspaceForbiddenError (403) for a viewer
 */
export async function requireWriter(
  workspaces: WorkspaceRepositoryPort,
  workspaceId: string,
  actorId: string,
): Promise<void> {
  const role = await requireMember(workspaces, workspaceId, actorId);
  if (!canWrite(role)) throw new WorkspaceForbiddenError(workspaceId, role, 'owner or editor');
}

/**
 * Hides a task from a caller who is not a member of its workspace (it answers exactly like one that
 * does not exist) and refuses writes by a viewer.
 * @throws TaskNotFoundError (404) for a non-member, WorkspaceForbiddenError (403) for a viewer
 */
export async function assertCanWriteTask(
  workspaces: WorkspaceRepositoryPort,
  taskId: string,
  state: TaskState,
  actorId: string,
): Promise<void> {
  if (state.kind !== 'live') return;
  const role = await roleOf(workspaces, state.fields.workspaceId, actorId);
  if (role === null) throw new TaskNotFoundError(taskId);
  if (!canWrite(role)) throw new WorkspaceForbiddenError(state.fields.workspaceId, role, 'owner or editor');
}
