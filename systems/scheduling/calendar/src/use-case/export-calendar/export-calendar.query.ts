/**
 * The iCalendar (RFC 5545) feed of one workspace, for a member: the caller (`actorId`, from a bearer
 * token) or the owner of `feedToken` (a secret feed token, for calendar clients that cannot send one).
 */
export class ExportCalendarQuery {
  constructor(
    readonly workspaceId: string,
    readonly actorId: string,
    readonly feedToken?: string,
  ) {}
}
