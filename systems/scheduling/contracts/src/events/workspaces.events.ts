import { z } from 'zod';

/**
 * Integration events of shared workspaces, published by scheduling/tasks (which owns the Workspace
 * aggregate). Key = workspace id. Consumers (calendar) keep a membership read model from them: a
 * member's current role is the one of the latest `WorkspaceMemberAddedV1` for that user (a role change
 * is published as an added event with the new role; apply it as an upsert), until a
 * `WorkspaceMemberRemovedV1`. Deleting a workspace publishes a removal of every member.
 */
const role = z.enum(['owner', 'editor', 'viewer']);

/** A user became a member of a workspace, or a member's role changed (`role` is the current one). */
export const workspaceMemberAddedV1Schema = z.object({
  workspaceId: z.string(),
  userId: z.string(),
  role,
  occurredAt: z.iso.datetime(),
});
export type WorkspaceMemberAddedV1 = z.infer<typeof workspaceMemberAddedV1Schema>;

/** A user is no longer a member (left, removed, or the workspace was deleted). */
export const workspaceMemberRemovedV1Schema = z.object({
  workspaceId: z.string(),
  userId: z.string(),
  occurredAt: z.iso.datetime(),
});
export type WorkspaceMemberRemovedV1 = z.infer<typeof workspaceMemberRemovedV1Schema>;

/** Every integration event of workspaces: topic, CloudEvents type and payload schema. */
export const WORKSPACES_EVENTS = {
  WorkspaceMemberAddedV1: {
    topic: 'scheduling.tasks.workspace-member-added.v1',
    type: 'archipelago.scheduling.tasks.WorkspaceMemberAddedV1',
    schema: workspaceMemberAddedV1Schema,
  },
  WorkspaceMemberRemovedV1: {
    topic: 'scheduling.tasks.workspace-member-removed.v1',
    type: 'archipelago.scheduling.tasks.WorkspaceMemberRemovedV1',
    schema: workspaceMemberRemovedV1Schema,
  },
} as const;
