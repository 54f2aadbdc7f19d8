import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type EventCommandResult, handleEventCommand } from '../handle-event-command.js';
import { CALENDAR_EVENT_REPOSITORY, type CalendarEventRepositoryPort } from '../port/calendar-event.repository.port.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { WORKSPACE_MEMBERSHIP, type WorkspaceMembershipPort } from '../port/workspace-membership.port.js';
import { DeleteEventCommand } from './delete-event.command.js';

/**
 * Deletes an event the caller may write (the stream stays for audit; later commands and reads get
 * 404). The projection removes it from the occurrences and the .ics feed; the reminder engine cancels
 * its pending reminders on its next round.
 * @throws EventNotFoundError (404, also when already deleted), WorkspaceForbiddenError (403), EventVersionConflictError (412)
 */
@CommandHandler(DeleteEventCommand)
export class DeleteEventUseCase implements ICommandHandler<DeleteEventCommand, EventCommandResult> {
  constructor(
    @Inject(CALENDAR_EVENT_REPOSITORY) private readonly repository: CalendarEventRepositoryPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WORKSPACE_MEMBERSHIP) private readonly memberships: WorkspaceMembershipPort,
  ) {}

  execute({ eventId, expectedVersions, actorId, context }: DeleteEventCommand): Promise<EventCommandResult> {
    return handleEventCommand(
      { repository: this.repository, memberships: this.memberships },
      eventId,
      actorId,
      expectedVersions,
      () => ({ type: 'DeleteEvent', data: { eventId, now: this.clock.now() } }),
      context,
    );
  }
}
