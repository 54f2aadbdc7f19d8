import type { CommandContext } from '../port/command-context.js';

/** Create a task (`POST /scheduling/v1/tasks`); `input` is the parsed JSON body, validated by the decider. */
export class CreateTaskCommand {
  constructor(
    readonly input: Readonly<Record<string, unknown>>,
    readonly actorId: string,
    readonly context: CommandContext,
  ) {}
}
