import type { CommandContext } from '../port/command-context.js';

/** Delete a calendar event (`DELETE /scheduling/v1/events/{id}`); `expectedVersions`: the versions `If-Match` accepts. */
export class DeleteEventCommand {
  constructor(
    readonly eventId: string,
    readonly expectedVersions: readonly number[] | undefined,
    readonly actorId: string,
    readonly context: CommandContext,
  ) {}
}
