/** `GET /scheduling/v1/events/occurrences?from=&to=&workspaceId=` of one workspace, for a member. */
export class ListOccurrencesQuery {
  constructor(
    readonly workspaceId: string,
    /** RFC 3339 instants as given in the query string (validated here). */
    readonly from: unknown,
    readonly to: unknown,
    /** The caller's IANA zone: all-day occurrences are matched by date in it. */
    readonly viewerTimeZone = 'UTC',
    /** The caller: must be a member of the workspace (404 otherwise); left out by internal callers. */
    readonly actorId?: string,
  ) {}
}
