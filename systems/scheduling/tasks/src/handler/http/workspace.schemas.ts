import { z } from 'zod';

/**
 * Workspace bodies as JSON: any object reaches the Workspace decider, which validates every field and
 * answers 400 with all problems by field. The documents below describe the shapes.
 */
export const workspaceBody = z.record(z.string(), z.unknown()).meta({ examples: [{ name: 'Team Alpha' }] });
export const workspaceBodyDoc = z
  .strictObject({ name: z.string().trim().min(1).max(200).describe('1–200 characters') })
  .meta({ id: 'WorkspaceInput', examples: [{ name: 'Team Alpha' }] });
export const memberBody = z
  .record(z.string(), z.unknown())
  .meta({ examples: [{ userId: '<user id>', role: 'editor' }] });
export const memberBodyDoc = z
  .strictObject({
    userId: z.string().trim().min(1).max(200).describe('The user’s subject (`sub` of their token), 1–200 characters'),
    role: z.enum(['owner', 'editor', 'viewer']),
  })
  .meta({ id: 'MemberInput', examples: [{ userId: '<user id>', role: 'editor' }] });
export const memberRoleBody = z.record(z.string(), z.unknown()).meta({ examples: [{ role: 'viewer' }] });
export const memberRoleBodyDoc = z
  .strictObject({ role: z.enum(['owner', 'editor', 'viewer']) })
  .meta({ id: 'MemberRoleInput', examples: [{ role: 'viewer' }] });
/** A body as the decider receives it. */
export type JsonBody = Readonly<Record<string, unknown>>;

export const workspaceIdParams = z.object({
  id: z.string().min(1).max(250).describe('A workspace id (a UUID, or personal:<sub>)'),
});
export const memberParams = z.object({
  id: z.string().min(1).max(250),
  userId: z.string().min(1).max(200),
});
export const getWorkspaceQuery = z.object({
  minVersion: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Wait up to 2 s for the query side to reach this version'),
});

const role = z.enum(['owner', 'editor', 'viewer']);
const example = {
  id: '0b6e1c8e-2f1d-4f5e-8a47-5d0c3b2a1f90',
  name: 'Team Alpha',
  personal: false,
  version: 2,
  members: [{ userId: '<user id>', role: 'owner' }],
};
export const workspaceDto = z
  .object({
    id: z.string(),
    name: z.string(),
    personal: z.boolean(),
    version: z.number().int().describe('Events applied so far; pass as minVersion to read your write'),
    members: z.array(z.object({ userId: z.string(), role })),
  })
  .meta({ id: 'Workspace', examples: [example] });
export const workspaceListDto = z
  .object({
    items: z.array(
      z.object({ id: z.string(), name: z.string(), role, personal: z.boolean(), version: z.number().int() }),
    ),
  })
  .meta({
    id: 'WorkspaceList',
    examples: [
      {
        items: [
          { id: 'personal:<user id>', name: 'Personal', role: 'owner', personal: true, version: 0 },
          { id: example.id, name: 'Team Alpha', role: 'editor', personal: false, version: 3 },
        ],
      },
    ],
  });
