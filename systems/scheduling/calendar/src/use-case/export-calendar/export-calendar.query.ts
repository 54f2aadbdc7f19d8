/** The iCalendar (RFC 5545) feed of one workspace, for a caller who can access it. */
export class ExportCalendarQuery {
  constructor(
    readonly workspaceId: string,
    readonly actorId: string,
  ) {}
}
