import type { WorkspaceRole } from './workspace.model.js';

/** A shared workspace was created; its creator is its first owner. */
export interface WorkspaceCreated {
  readonly type: 'WorkspaceCreated';
  readonly data: { readonly workspaceId: string; readonly name: string; readonly ownerId: string; readonly at: string };
}

/** The workspace got a new name. */
export interface WorkspaceRenamed {
  readonly type: 'WorkspaceRenamed';
  readonly data: { readonly workspaceId: string; readonly name: string; readonly at: string };
}

/** A user became a member with `role` (`addedBy`: the owner who added them; the creator adds themself). */
export interface WorkspaceMemberAdded {
  readonly type: 'WorkspaceMemberAdded';
  readonly data: {
    readonly workspaceId: string;
    readonly userId: string;
    readonly role: WorkspaceRole;
    readonly addedBy: string;
    readonly at: string;
  };
}

/** A member's role changed. */
export interface WorkspaceMemberRoleChanged {
  readonly type: 'WorkspaceMemberRoleChanged';
  readonly data: {
    readonly workspaceId: string;
    readonly userId: string;
    readonly role: WorkspaceRole;
    readonly at: string;
  };
}

/** A member left or was removed (`removedBy`: themself when leaving). */
export interface WorkspaceMemberRemoved {
  readonly type: 'WorkspaceMemberRemoved';
  readonly data: {
    readonly workspaceId: string;
    readonly userId: string;
    readonly removedBy: string;
    readonly at: string;
  };
}

/** The workspace was deleted by an owner; its stream stays for audit, commands get 404. */
export interface WorkspaceDeleted {
  readonly type: 'WorkspaceDeleted';
  readonly data: { readonly workspaceId: string; readonly at: string };
}

export type WorkspaceEvent =
  | WorkspaceCreated
  | WorkspaceRenamed
  | WorkspaceMemberAdded
  | WorkspaceMemberRoleChanged
  | WorkspaceMemberRemoved
  | WorkspaceDeleted;
