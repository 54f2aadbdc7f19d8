import type { WorkspaceCommand } from '../../entity/workspace/workspace.decider.js';
import type { CommandContext } from '../port/command-context.js';

/** A Workspace command without its time (the use case adds `now`), as an HTTP write asks for it. */
export type WorkspaceRequest = WorkspaceCommand extends infer C
  ? C extends { type: infer T; data: infer D }
    ? { readonly type: T; readonly data: Omit<D, 'now'> }
    : never
  : never;

/**
 * Any write to a workspace: create (`POST /scheduling/v1/workspaces`), rename, delete, and member
 * add / role change / removal (`…/{id}/members`).
 */
export class ChangeWorkspaceCommand {
  constructor(
    readonly request: WorkspaceRequest,
    readonly context: CommandContext,
  ) {}
}
