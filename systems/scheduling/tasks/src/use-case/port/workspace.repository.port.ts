import type { WorkspaceState } from '../../entity/workspace/workspace.decider.js';
import type { WorkspaceEvent } from '../../entity/workspace/workspace.events.js';
import type { CommandContext } from './command-context.js';

/** A workspace stream folded to its state, with the version to append at (0 = absent). */
export interface LoadedWorkspace {
  readonly state: WorkspaceState;
  readonly version: number;
}

/** Another writer appended to the workspace stream since it was loaded (retried, then 409). */
export class WorkspaceConcurrencyConflictError extends Error {
  readonly code = 'WORKSPACE.CONCURRENCY_CONFLICT';
  constructor(workspaceId: string) {
    super(`workspace ${workspaceId} was changed concurrently`);
  }
}

/** Event-sourced storage of workspaces (the Workspace aggregate) on the platform event store. */
export interface WorkspaceRepositoryPort {
  /** The workspace as its stream says (strongly consistent: membership checks of writes use it). */
  load(workspaceId: string): Promise<LoadedWorkspace>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, the integration events they
   * imply (WorkspaceMemberAddedV1 / RemovedV1; `before` is the state the events were decided on).
   * @throws WorkspaceConcurrencyConflictError when the stream moved on
   */
  save(
    workspaceId: string,
    events: readonly WorkspaceEvent[],
    expectedVersion: number,
    before: WorkspaceState,
    context: CommandContext,
  ): Promise<void>;
}

export const WORKSPACE_REPOSITORY = Symbol('WorkspaceRepositoryPort');
