/** `GET /scheduling/v1/events/occurrences?from=&to=` of one workspace (membership checked by the caller). */
export class ListOccurrencesQuery {
  constructor(
    readonly workspaceId: string,
    /** RFC 3339 instants as given in the query string (validated here). */
    readonly from: unknown,
    readonly to: unknown,
    /** The caller's IANA zone: all-day occurrences are matched by date in it. */
    readonly viewerTimeZone = 'UTC',
  ) {}
}
