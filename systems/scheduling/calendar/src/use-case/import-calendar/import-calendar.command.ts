import type { CommandContext } from '../port/command-context.js';

/** Import an iCalendar file (`POST /scheduling/v1/calendars/{workspaceId}/import`, `text/calendar`). */
export class ImportCalendarCommand {
  constructor(
    readonly workspaceId: string,
    readonly ics: string,
    readonly actorId: string,
    readonly context: CommandContext,
  ) {}
}
