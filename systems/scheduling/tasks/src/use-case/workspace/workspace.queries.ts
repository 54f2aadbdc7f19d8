/** The caller's workspaces (`GET /scheduling/v1/workspaces`): their personal one first, then shared ones by name. */
export class ListWorkspacesQuery {
  constructor(readonly actorId: string) {}
}

/** One workspace with its members (`GET /scheduling/v1/workspaces/{id}?minVersion=`). */
export class GetWorkspaceQuery {
  constructor(
    readonly workspaceId: string,
    readonly actorId: string,
    readonly minVersion?: number,
  ) {}
}
