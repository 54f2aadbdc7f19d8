import { type Reminder, validateReminders } from '@archipelago/util-calendar';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EventValidationError } from '../../entity/event/calendar-event.errors.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { WORKSPACE_MEMBERSHIP, type WorkspaceMembershipPort } from '../port/workspace-membership.port.js';
import {
  WORKSPACE_SETTINGS,
  type WorkspaceSettings,
  type WorkspaceSettingsPort,
} from '../port/workspace-settings.port.js';
import { requireMember } from '../workspace-access.js';
import { GetWorkspaceSettingsQuery, SetWorkspaceSettingsCommand } from './workspace-settings.messages.js';

/**
 * Replaces the caller's default reminders in a workspace: what a new event the caller creates (or
 * imports) there gets when its request has no `reminders` (an explicit list, even empty, wins). Every
 * member (any role) sets their own; nobody sets another's.
 * @throws EventValidationError (400, `defaultReminders/<i>…` by field), WorkspaceNotFoundError (404: not a
 *   member)
 */
@CommandHandler(SetWorkspaceSettingsCommand)
export class SetWorkspaceSettingsUseCase implements ICommandHandler<SetWorkspaceSettingsCommand, WorkspaceSettings> {
  constructor(
    @Inject(WORKSPACE_SETTINGS) private readonly settings: WorkspaceSettingsPort,
    @Inject(WORKSPACE_MEMBERSHIP) private readonly memberships: WorkspaceMembershipPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ workspaceId, defaultReminders, actorId }: SetWorkspaceSettingsCommand): Promise<WorkspaceSettings> {
    await requireMember(this.memberships, workspaceId, actorId);
    const problems = validateReminders(defaultReminders ?? null).map((p) => ({
      field: p.field.replace(/^reminders/, 'defaultReminders'),
      message: p.message,
    }));
    if (problems.length > 0) throw new EventValidationError(problems);
    const reminders = ((defaultReminders ?? []) as readonly Reminder[]).map((r) =>
      'offset' in r ? { offset: r.offset } : { at: r.at },
    );
    return this.settings.setDefaultReminders(workspaceId, actorId, reminders, this.clock.now());
  }
}

/**
 * The caller's calendar settings in a workspace of which they are a member (any role).
 * @throws WorkspaceNotFoundError (404: not a member)
 */
@QueryHandler(GetWorkspaceSettingsQuery)
export class GetWorkspaceSettingsUseCase implements IQueryHandler<GetWorkspaceSettingsQuery, WorkspaceSettings> {
  constructor(
    @Inject(WORKSPACE_SETTINGS) private readonly settings: WorkspaceSettingsPort,
    @Inject(WORKSPACE_MEMBERSHIP) private readonly memberships: WorkspaceMembershipPort,
  ) {}

  async execute({ workspaceId, actorId }: GetWorkspaceSettingsQuery): Promise<WorkspaceSettings> {
    await requireMember(this.memberships, workspaceId, actorId);
    return this.settings.get(workspaceId, actorId);
  }
}
