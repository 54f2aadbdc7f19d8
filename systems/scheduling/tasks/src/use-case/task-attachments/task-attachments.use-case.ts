import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleTaskCommand, type TaskCommandResult } from '../handle-task-command.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { TASK_READ_MODEL, type TaskReadModelPort } from '../port/task.read-model.port.js';
import { TASK_REPOSITORY, type TaskRepositoryPort } from '../port/task.repository.port.js';
import { WORKSPACE_REPOSITORY, type WorkspaceRepositoryPort } from '../port/workspace.repository.port.js';
import { assertCanWriteTask } from '../task-access.js';
import { AddTaskAttachmentCommand, RemoveTaskAttachmentCommand } from './task-attachments.command.js';

/** What adding an attachment did: the task after it, and the new attachment's id. */
export interface AddTaskAttachmentResult extends TaskCommandResult {
  readonly attachmentId: string;
}

/**
 * Adds an attachment (metadata only; the URL is never fetched) to a task the caller can write; the
 * service names it with a new UUID.
 * @throws TaskNotFoundError (404), WorkspaceForbiddenError (403: a viewer), TaskValidationError (400, by field), TooManyAttachmentsError (409: 20 already)
 */
@CommandHandler(AddTaskAttachmentCommand)
export class AddTaskAttachmentUseCase implements ICommandHandler<AddTaskAttachmentCommand, AddTaskAttachmentResult> {
  constructor(
    @Inject(TASK_REPOSITORY) private readonly repository: TaskRepositoryPort,
    @Inject(TASK_READ_MODEL) private readonly readModel: TaskReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WORKSPACE_REPOSITORY) private readonly workspaces: WorkspaceRepositoryPort,
  ) {}

  async execute({ taskId, attachment, actorId, context }: AddTaskAttachmentCommand): Promise<AddTaskAttachmentResult> {
    const attachmentId = globalThis.crypto.randomUUID();
    const result = await handleTaskCommand(
      this.repository,
      taskId,
      async ({ state }) => {
        await assertCanWriteTask(this.workspaces, taskId, state, actorId);
        return { type: 'AddAttachment', data: { taskId, now: this.clock.now(), attachmentId, attachment } } as const;
      },
      context,
    );
    this.readModel.refresh();
    return { ...result, attachmentId };
  }
}

/**
 * Removes an attachment from a task the caller can write.
 * @throws TaskNotFoundError (404), AttachmentNotFoundError (404), WorkspaceForbiddenError (403: a viewer)
 */
@CommandHandler(RemoveTaskAttachmentCommand)
export class RemoveTaskAttachmentUseCase implements ICommandHandler<RemoveTaskAttachmentCommand, TaskCommandResult> {
  constructor(
    @Inject(TASK_REPOSITORY) private readonly repository: TaskRepositoryPort,
    @Inject(TASK_READ_MODEL) private readonly readModel: TaskReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WORKSPACE_REPOSITORY) private readonly workspaces: WorkspaceRepositoryPort,
  ) {}

  async execute({ taskId, attachmentId, actorId, context }: RemoveTaskAttachmentCommand): Promise<TaskCommandResult> {
    const result = await handleTaskCommand(
      this.repository,
      taskId,
      async ({ state }) => {
        await assertCanWriteTask(this.workspaces, taskId, state, actorId);
        return { type: 'RemoveAttachment', data: { taskId, now: this.clock.now(), attachmentId } } as const;
      },
      context,
    );
    this.readModel.refresh();
    return result;
  }
}
