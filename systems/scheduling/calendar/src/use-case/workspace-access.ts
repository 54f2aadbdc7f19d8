import { DomainError } from '@archipelago/util-decider';
import type { WorkspaceMembershipPort, WorkspaceRole } from './port/workspace-membership.port.js';

/**
 * The personal workspace of a user (`personal:<sub>`, as in scheduling/tasks): where an event goes
 * when the request names no workspace; its user is its only member, as owner.
 */
export const personalWorkspaceId = (actorId: string): string => `personal:${actorId}`;

/** The workspace does not exist or the caller is not a member of it (404, as for a missing one). */
export class WorkspaceNotFoundError extends DomainError {
  readonly code = 'WORKSPACE.NOT_FOUND';
  constructor(workspaceId: string) {
    super(`workspace ${workspaceId} does not exist`, { workspaceId });
  }
}

/** The caller is a viewer of the workspace and cannot write (403). */
export class WorkspaceForbiddenError extends DomainError {
  readonly code = 'WORKSPACE.FORBIDDEN';
  constructor(workspaceId: string, role: string) {
    super(`a ${role} of workspace ${workspaceId} cannot do this; it takes an owner or editor`, { workspaceId, role });
  }
}

/**
 * The role of `userId` in `workspaceId`: owner of their personal workspace; for a shared one, from the
 * membership read model consumed from tasks (eventually consistent with tasks' workspace stream).
 */
export async function roleOf(
  memberships: WorkspaceMembershipPort,
  workspaceId: string,
  userId: string,
): Promise<WorkspaceRole | null> {
  if (workspaceId.startsWith('personal:')) return workspaceId === personalWorkspaceId(userId) ? 'owner' : null;
  return memberships.roleOf(workspaceId, userId);
}

/** @throws WorkspaceNotFoundError (404) when the caller is not a member */
export async function requireMember(
  memberships: WorkspaceMembershipPort,
  workspaceId: string,
  actorId: string,
): Promise<WorkspaceRole> {
  const role = await roleOf(memberships, workspaceId, actorId);
  if (role === null) throw new WorkspaceNotFoundError(workspaceId);
  return role;
}

/** @throws WorkspaceNotFoundError (404) for a non-member, WorkspaceForbiddenError (403) for a viewer */
export async function requireWriter(
  memberships: WorkspaceMembershipPort,
  workspaceId: string,
  actorId: string,
): Promise<void> {
  const role = await requireMember(memberships, workspaceId, actorId);
  if (role === 'viewer') throw new WorkspaceForbiddenError(workspaceId, role);
}
