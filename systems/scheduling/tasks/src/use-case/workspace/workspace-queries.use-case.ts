import { DomainError } from '@archipelago/util-decider';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { roleIn } from '../../entity/workspace/workspace.decider.js';
import { WorkspaceNotFoundError } from '../../entity/workspace/workspace.errors.js';
import { personalOwnerOf, personalWorkspaceId } from '../../entity/workspace/workspace.model.js';
import {
  WORKSPACE_READ_MODEL,
  type WorkspaceReadModelPort,
  type WorkspaceSummary,
  type WorkspaceView,
} from '../port/workspace.read-model.port.js';
import { WORKSPACE_REPOSITORY, type WorkspaceRepositoryPort } from '../port/workspace.repository.port.js';
import { GetWorkspaceQuery, ListWorkspacesQuery } from './workspace.queries.js';

/** How long a read with `minVersion` waits for the projection (ms), and how often it looks. */
const MIN_VERSION_WAIT_MS = 2000;
const POLL_MS = 20;

/** The read model has not reached the version asked for in time (409; retry). */
export class WorkspaceStaleReadError extends DomainError {
  readonly code = 'WORKSPACE.STALE_READ';
  constructor(workspaceId: string, minVersion: number) {
    super(`workspace ${workspaceId} is not at version ${minVersion} on the query side yet; retry`, {
      workspaceId,
      minVersion,
    });
  }
}

/** The name a personal workspace is listed with. */
export const PERSONAL_WORKSPACE_NAME = 'Personal';

const personalView = (userId: string): WorkspaceView => ({
  id: personalWorkspaceId(userId),
  name: PERSONAL_WORKSPACE_NAME,
  personal: true,
  version: 0,
  members: [{ userId, role: 'owner' }],
});

/** The caller's workspaces: the personal one, then the shared ones they are a member of (by name). */
@QueryHandler(ListWorkspacesQuery)
export class ListWorkspacesUseCase implements IQueryHandler<ListWorkspacesQuery, { items: WorkspaceSummary[] }> {
  constructor(@Inject(WORKSPACE_READ_MODEL) private readonly readModel: WorkspaceReadModelPort) {}

  async execute({ actorId }: ListWorkspacesQuery): Promise<{ items: WorkspaceSummary[] }> {
    const personal: WorkspaceSummary = {
      id: personalWorkspaceId(actorId),
      name: PERSONAL_WORKSPACE_NAME,
      role: 'owner',
      personal: true,
      version: 0,
    };
    return { items: [personal, ...(await this.readModel.listFor(actorId))] };
  }
}

/**
 * A workspace with its members, for a member (read model). With `minVersion`, waits up to 2 s for the
 * projection to reach it — when waiting can help: if the read model is behind, the workspace's stream
 * is asked once; a workspace it does not have (or deleted), or of which the caller is not a member, is
 * 404 at once, and a `minVersion` beyond the stream's version (no write answered it) is 409 at once.
 * @throws WorkspaceNotFoundError (404: absent, deleted or not a member), WorkspaceStaleReadError (409)
 */
@QueryHandler(GetWorkspaceQuery)
export class GetWorkspaceUseCase implements IQueryHandler<GetWorkspaceQuery, WorkspaceView> {
  constructor(
    @Inject(WORKSPACE_READ_MODEL) private readonly readModel: WorkspaceReadModelPort,
    @Inject(WORKSPACE_REPOSITORY) private readonly writeSide: WorkspaceRepositoryPort,
  ) {}

  async execute({ workspaceId, actorId, minVersion }: GetWorkspaceQuery): Promise<WorkspaceView> {
    const owner = personalOwnerOf(workspaceId);
    if (owner !== null) {
      if (owner !== actorId) throw new WorkspaceNotFoundError(workspaceId);
      return personalView(actorId);
    }
    const deadline = Date.now() + MIN_VERSION_WAIT_MS;
    let checked = false;
    for (;;) {
      const view = await this.readModel.get(workspaceId);
      const member = view?.members.some((m) => m.userId === actorId) ?? false;
      if (minVersion === undefined || (view && view.version >= minVersion)) {
        if (!view || !member) throw new WorkspaceNotFoundError(workspaceId);
        return view;
      }
      if (!checked) {
        checked = true;
        const { state, version } = await this.writeSide.load(workspaceId);
        if (roleIn(state, workspaceId, actorId) === null) throw new WorkspaceNotFoundError(workspaceId);
        if (version < minVersion) throw new WorkspaceStaleReadError(workspaceId, minVersion);
      }
      if (Date.now() >= deadline) {
        if (!view || !member) throw new WorkspaceNotFoundError(workspaceId);
        throw new WorkspaceStaleReadError(workspaceId, minVersion);
      }
      this.readModel.refresh();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
