/** Roles in a workspace: owners manage members and the workspace, editors write, viewers read. */
export const WORKSPACE_ROLES = ['owner', 'editor', 'viewer'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** Limits of a workspace (characters of the trimmed name; members). */
export const WORKSPACE_LIMITS = { nameMax: 200, membersMax: 500, userIdMax: 200 } as const;

export const isWorkspaceRole = (value: unknown): value is WorkspaceRole =>
  typeof value === 'string' && (WORKSPACE_ROLES as readonly string[]).includes(value);

/** Whether `role` may create, change and delete tasks and events of the workspace. */
export const canWrite = (role: WorkspaceRole): boolean => role === 'owner' || role === 'editor';

/**
 * The personal workspace of a user (`personal:<sub>`): implicit (no stream), its only member is the
 * user, as owner; it cannot be shared, renamed or deleted.
 */
export const personalWorkspaceId = (userId: string): string => `personal:${userId}`;

/** The user owning a personal workspace id, or null for a shared workspace id. */
export const personalOwnerOf = (workspaceId: string): string | null =>
  workspaceId.startsWith('personal:') ? workspaceId.slice('personal:'.length) : null;
