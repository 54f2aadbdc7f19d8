import type { CommandContext } from '../port/command-context.js';

/**
 * Move one occurrence of a recurring event to a new local `start`/`end`, optionally with its own `title`, `description`, `location` (`PUT
 * /scheduling/v1/events/{id}/occurrences/{recurrenceId}`), or cancel it (`change: 'cancel'`, `DELETE`
 * on the same path). `recurrenceId` is the occurrence's original start: local in the event's zone, or
 * its UTC instant.
 */
export class ChangeOccurrenceCommand {
  constructor(
    readonly eventId: string,
    readonly recurrenceId: string,
    readonly change:
      | {
          readonly start: unknown;
          readonly end: unknown;
          readonly title?: unknown;
          readonly description?: unknown;
          readonly location?: unknown;
        }
      | 'cancel',
    readonly expectedVersions: readonly number[] | undefined,
    readonly actorId: string,
    readonly context: CommandContext,
  ) {}
}
