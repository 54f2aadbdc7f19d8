import type { CommandContext } from '../port/command-context.js';

/** Delete a task (`DELETE /scheduling/v1/tasks/{id}`). */
export class DeleteTaskCommand {
  constructor(
    readonly taskId: string,
    readonly actorId: string,
    readonly context: CommandContext,
  ) {}
}
