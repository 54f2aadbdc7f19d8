import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type EventCommandResult, handleEventCommand, nonMemberAttendees } from '../handle-event-command.js';
import { CALENDAR_EVENT_REPOSITORY, type CalendarEventRepositoryPort } from '../port/calendar-event.repository.port.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { WORKSPACE_MEMBERSHIP, type WorkspaceMembershipPort } from '../port/workspace-membership.port.js';
import { UpdateEventCommand } from './update-event.command.js';

/**
 * Applies a merge patch to an event the caller may write (owner or editor of its workspace). A patch
 * that changes nothing appends nothing (same version). Changing the timing drops the overrides; the
 * read side (occurrences, .ics feed) and the reminder engine follow the new version.
 * @throws EventNotFoundError (404), WorkspaceForbiddenError (403), EventVersionConflictError (412: stale If-Match), EventValidationError (400, by field)
 */
@CommandHandler(UpdateEventCommand)
export class UpdateEventUseCase implements ICommandHandler<UpdateEventCommand, EventCommandResult> {
  constructor(
    @Inject(CALENDAR_EVENT_REPOSITORY) private readonly repository: CalendarEventRepositoryPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WORKSPACE_MEMBERSHIP) private readonly memberships: WorkspaceMembershipPort,
  ) {}

  execute({ eventId, patch, expectedVersions, actorId, context }: UpdateEventCommand): Promise<EventCommandResult> {
    return handleEventCommand(
      { repository: this.repository, memberships: this.memberships },
      eventId,
      actorId,
      expectedVersions,
      async (state) => ({
        type: 'UpdateEvent',
        data: {
          eventId,
          now: this.clock.now(),
          patch,
          lookups: {
            nonMemberAttendees: await nonMemberAttendees(this.memberships, state.fields.workspaceId, patch.attendees),
          },
        },
      }),
      context,
    );
  }
}
