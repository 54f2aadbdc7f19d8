import type { CommandContext } from '../port/command-context.js';

/** Create a calendar event (`POST /scheduling/v1/events`); `input` is the parsed JSON body, validated by the decider. */
export class CreateEventCommand {
  constructor(
    readonly input: Readonly<Record<string, unknown>>,
    readonly actorId: string,
    readonly context: CommandContext,
  ) {}
}
