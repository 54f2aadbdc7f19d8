import type { FieldProblem } from '@archipelago/util-calendar';
import { DomainError } from '@archipelago/util-decider';

/** The command's input breaks the workspace's rules; each problem names its field (400). */
export class WorkspaceValidationError extends DomainError {
  readonly code = 'WORKSPACE.INVALID';
  readonly problems: readonly FieldProblem[];
  constructor(problems: readonly FieldProblem[]) {
    super(`the workspace request is not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, {
      problems,
    });
    this.problems = problems;
  }
}

/** The workspace does not exist, was deleted, or the caller is not a member of it (404, alike). */
export class WorkspaceNotFoundError extends DomainError {
  readonly code = 'WORKSPACE.NOT_FOUND';
  constructor(workspaceId: string) {
    super(`workspace ${workspaceId} does not exist`, { workspaceId });
  }
}

/** A workspace with this id exists already (409). */
export class WorkspaceAlreadyExistsError extends DomainError {
  readonly code = 'WORKSPACE.ALREADY_EXISTS';
  constructor(workspaceId: string) {
    super(`workspace ${workspaceId} exists already`, { workspaceId });
  }
}

/** The caller is a member whose role does not allow this (403): `needed` is the role it takes. */
export class WorkspaceForbiddenError extends DomainError {
  readonly code = 'WORKSPACE.FORBIDDEN';
  constructor(workspaceId: string, role: string, needed: string) {
    super(`a ${role} of workspace ${workspaceId} cannot do this; it takes an ${needed}`, { workspaceId, role, needed });
  }
}

/** The user is not a member of the workspace (404 on member routes; 400 as an assignee or attendee). */
export class WorkspaceMemberNotFoundError extends DomainError {
  readonly code = 'WORKSPACE.MEMBER_NOT_FOUND';
  constructor(workspaceId: string, userId: string) {
    super(`user ${userId} is not a member of workspace ${workspaceId}`, { workspaceId, userId });
  }
}

/** The user is a member already with another role (409; change the role with PATCH instead). */
export class WorkspaceMemberExistsError extends DomainError {
  readonly code = 'WORKSPACE.MEMBER_EXISTS';
  constructor(workspaceId: string, userId: string, role: string) {
    super(`user ${userId} is a member of workspace ${workspaceId} already, as ${role}`, { workspaceId, userId, role });
  }
}

/** Removing or demoting the last owner would leave the workspace without one (409). */
export class WorkspaceLastOwnerError extends DomainError {
  readonly code = 'WORKSPACE.LAST_OWNER';
  constructor(workspaceId: string, userId: string) {
    super(`user ${userId} is the last owner of workspace ${workspaceId}; make another member owner first`, {
      workspaceId,
      userId,
    });
  }
}

/** A personal workspace cannot be shared, renamed or deleted, nor created by hand (409). */
export class WorkspacePersonalError extends DomainError {
  readonly code = 'WORKSPACE.PERSONAL';
  constructor(workspaceId: string) {
    super(`workspace ${workspaceId} is a personal workspace: it has one member and cannot be changed`, {
      workspaceId,
    });
  }
}
