/** Roles in a shared workspace (as scheduling/tasks publishes them). */
export type WorkspaceRole = 'owner' | 'editor' | 'viewer';

/** A change of membership consumed from tasks: `role` null means the user is no longer a member. */
export interface MembershipChange {
  readonly workspaceId: string;
  readonly userId: string;
  readonly role: WorkspaceRole | null;
}

/** A message being consumed: recorded in the inbox with its effect, so it takes effect once. */
export interface InboxEntry {
  readonly consumerGroup: string;
  readonly messageId: string;
  readonly topic: string;
}

/**
 * Calendar's membership read model of shared workspaces (table `workspace_members`), kept from
 * WorkspaceMemberAddedV1 / WorkspaceMemberRemovedV1 (per workspace in order: the key is its id).
 */
export interface WorkspaceMembershipPort {
  /** The user's role in a shared workspace, or null when not a member (as far as consumed). */
  roleOf(workspaceId: string, userId: string): Promise<WorkspaceRole | null>;
  /** The owners of a shared workspace (as far as consumed), sorted; none for an unknown one. */
  owners(workspaceId: string): Promise<string[]>;
  /**
   * Upserts (role) or deletes (null) the membership, once per message; a deletion also deletes the
   * member's calendar settings in the workspace. @returns false for a duplicate
   */
  apply(change: MembershipChange, inbox: InboxEntry): Promise<boolean>;
}

export const WORKSPACE_MEMBERSHIP = Symbol('WorkspaceMembershipPort');
