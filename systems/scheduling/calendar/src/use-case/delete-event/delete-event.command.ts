import type { CommandContext } from '../port/command-context.js';

/** Delete a calendar event (`DELETE /scheduling/v1/events/{id}`); `expectedVersion` from `If-Match`. */
export class DeleteEventCommand {
  constructor(
    readonly eventId: string,
    readonly expectedVersion: number | undefined,
    readonly actorId: string,
    readonly context: CommandContext,
  ) {}
}
