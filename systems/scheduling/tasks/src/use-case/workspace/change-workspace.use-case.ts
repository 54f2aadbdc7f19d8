import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  workspaceDecider,
  type WorkspaceCommand,
  type WorkspaceState,
} from '../../entity/workspace/workspace.decider.js';
import type { WorkspaceEvent } from '../../entity/workspace/workspace.events.js';
import { MAX_ATTEMPTS } from '../handle-task-command.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { WORKSPACE_READ_MODEL, type WorkspaceReadModelPort } from '../port/workspace.read-model.port.js';
import {
  WORKSPACE_REPOSITORY,
  WorkspaceConcurrencyConflictError,
  type WorkspaceRepositoryPort,
} from '../port/workspace.repository.port.js';
import { ChangeWorkspaceCommand } from './change-workspace.command.js';

/** What a workspace write did: the state after it, its version, and the events appended (none: no change). */
export interface WorkspaceCommandResult {
  readonly state: WorkspaceState;
  readonly version: number;
  readonly events: readonly WorkspaceEvent[];
}

/**
 * Load → decide → save of one Workspace command (decided again on fresh state when another writer
 * appended first); membership events go to the outbox in the same transaction.
 * @throws WorkspaceValidationError (400), WorkspaceForbiddenError (403), WorkspaceNotFoundError /
 *   WorkspaceMemberNotFoundError (404), WorkspaceAlreadyExistsError / WorkspaceMemberExistsError /
 *   WorkspaceLastOwnerError / WorkspacePersonalError / WorkspaceConcurrencyConflictError (409)
 */
@CommandHandler(ChangeWorkspaceCommand)
export class ChangeWorkspaceUseCase implements ICommandHandler<ChangeWorkspaceCommand, WorkspaceCommandResult> {
  constructor(
    @Inject(WORKSPACE_REPOSITORY) private readonly repository: WorkspaceRepositoryPort,
    @Inject(WORKSPACE_READ_MODEL) private readonly readModel: WorkspaceReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ request, context }: ChangeWorkspaceCommand): Promise<WorkspaceCommandResult> {
    const { workspaceId } = request.data;
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.repository.load(workspaceId);
      const command = { type: request.type, data: { ...request.data, now: this.clock.now() } } as WorkspaceCommand;
      const events = workspaceDecider.decide(command, state);
      try {
        if (events.length > 0) await this.repository.save(workspaceId, events, version, state, context);
        this.readModel.refresh();
        return { state: events.reduce(workspaceDecider.evolve, state), version: version + events.length, events };
      } catch (error) {
        if (!(error instanceof WorkspaceConcurrencyConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
