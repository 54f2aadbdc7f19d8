import type { CommandContext } from '../port/command-context.js';

/** Add an attachment (metadata) to a task (`POST /scheduling/v1/tasks/{id}/attachments`); `attachment` is the body. */
export class AddTaskAttachmentCommand {
  constructor(
    readonly taskId: string,
    readonly attachment: unknown,
    readonly actorId: string,
    readonly context: CommandContext,
  ) {}
}

/** Remove an attachment from a task (`DELETE /scheduling/v1/tasks/{id}/attachments/{attachmentId}`). */
export class RemoveTaskAttachmentCommand {
  constructor(
    readonly taskId: string,
    readonly attachmentId: string,
    readonly actorId: string,
    readonly context: CommandContext,
  ) {}
}
