import type { CommandContext } from '../port/command-context.js';

/** Complete a task (`POST /scheduling/v1/tasks/{id}/complete`), optionally with its open subtasks. */
export class CompleteTaskCommand {
  constructor(
    readonly taskId: string,
    readonly actorId: string,
    readonly cascade: boolean,
    /** RFC 3339 instant of the request. */
    readonly now: string,
    readonly context: CommandContext,
    /** The request's Idempotency-Key (already validated), scoped to `actorId`; a retry with it answers the same. */
    readonly idempotencyKey?: string,
  ) {}
}
