import type { CommandContext } from '../port/command-context.js';

/** Change a task (`PATCH /scheduling/v1/tasks/{id}`); `patch` is a JSON merge patch (RFC 7396). */
export class UpdateTaskCommand {
  constructor(
    readonly taskId: string,
    readonly patch: Readonly<Record<string, unknown>>,
    readonly actorId: string,
    readonly context: CommandContext,
  ) {}
}
