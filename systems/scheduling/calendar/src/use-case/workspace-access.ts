import { DomainError } from '@archipelago/util-decider';

/**
 * The personal workspace of a user (`personal:<sub>`, as in scheduling/tasks): where an event goes
 * when the request names no workspace. Shared workspaces with members are not built yet (issue 16 §2).
 */
export const personalWorkspaceId = (actorId: string): string => `personal:${actorId}`;

/** Whether `actorId` may see events of `workspaceId` (a member of it: today, its owner). */
export const canAccess = (actorId: string, workspaceId: string): boolean =>
  workspaceId === personalWorkspaceId(actorId);

/** The workspace does not exist or the caller is not a member of it (404, as for a missing one). */
export class WorkspaceNotFoundError extends DomainError {
  readonly code = 'WORKSPACE.NOT_FOUND';
  constructor(workspaceId: string) {
    super(`workspace ${workspaceId} does not exist`, { workspaceId });
  }
}
