import type { CommandContext } from '../port/command-context.js';

/**
 * Change a calendar event (`PATCH /scheduling/v1/events/{id}`): `patch` is a JSON merge patch
 * (RFC 7396); `expectedVersions` are the versions `If-Match` accepts (undefined: no check).
 */
export class UpdateEventCommand {
  constructor(
    readonly eventId: string,
    readonly patch: Readonly<Record<string, unknown>>,
    readonly expectedVersions: readonly number[] | undefined,
    readonly actorId: string,
    readonly context: CommandContext,
  ) {}
}
