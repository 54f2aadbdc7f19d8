import type { WorkspaceRole } from '../../entity/workspace/workspace.model.js';

/** A workspace the caller belongs to, as `GET /scheduling/v1/workspaces` lists it. */
export interface WorkspaceSummary {
  readonly id: string;
  readonly name: string;
  /** The caller's role in it. */
  readonly role: WorkspaceRole;
  /** True for the caller's personal workspace (`personal:<sub>`, implicit, not shareable). */
  readonly personal: boolean;
  readonly version: number;
}

/** A workspace with its members (read model `workspace_list` / `workspace_members`). */
export interface WorkspaceView {
  readonly id: string;
  readonly name: string;
  readonly personal: boolean;
  readonly version: number;
  readonly members: readonly { readonly userId: string; readonly role: WorkspaceRole }[];
}

/** The workspace projections (eventually consistent with the workspace streams). */
export interface WorkspaceReadModelPort {
  /** Shared workspaces `userId` is a member of, by name (the personal one is added by the use case). */
  listFor(userId: string): Promise<WorkspaceSummary[]>;
  /** A shared workspace with its members, or null (absent, deleted, or not projected yet). */
  get(workspaceId: string): Promise<WorkspaceView | null>;
  /** Asks the projection to catch up now (after a write), without waiting. */
  refresh(): void;
}

export const WORKSPACE_READ_MODEL = Symbol('WorkspaceReadModelPort');
