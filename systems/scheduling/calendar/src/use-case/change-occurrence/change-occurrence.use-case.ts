import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type EventCommandResult, handleEventCommand } from '../handle-event-command.js';
import { CALENDAR_EVENT_REPOSITORY, type CalendarEventRepositoryPort } from '../port/calendar-event.repository.port.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { WORKSPACE_MEMBERSHIP, type WorkspaceMembershipPort } from '../port/workspace-membership.port.js';
import { ChangeOccurrenceCommand } from './change-occurrence.command.js';

/**
 * Overrides one occurrence (RFC 5545 RECURRENCE-ID): moves it or cancels it (written as EXDATE in the
 * .ics feed; a moved one as a VEVENT with RECURRENCE-ID). Repeating the same change appends nothing;
 * a move replaces an earlier move or cancel. The reminder engine re-plans: a moved occurrence's
 * reminders follow it, a cancelled one's are cancelled.
 * @throws EventNotFoundError (404), WorkspaceForbiddenError (403), EventVersionConflictError (412), EventValidationError (400: not an occurrence of the series, bad start/end)
 */
@CommandHandler(ChangeOccurrenceCommand)
export class ChangeOccurrenceUseCase implements ICommandHandler<ChangeOccurrenceCommand, EventCommandResult> {
  constructor(
    @Inject(CALENDAR_EVENT_REPOSITORY) private readonly repository: CalendarEventRepositoryPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WORKSPACE_MEMBERSHIP) private readonly memberships: WorkspaceMembershipPort,
  ) {}

  execute(command: ChangeOccurrenceCommand): Promise<EventCommandResult> {
    const { eventId, recurrenceId, change, expectedVersions, actorId, context } = command;
    return handleEventCommand(
      { repository: this.repository, memberships: this.memberships },
      eventId,
      actorId,
      expectedVersions,
      () => {
        const now = this.clock.now();
        return change === 'cancel'
          ? { type: 'CancelOccurrence', data: { eventId, now, recurrenceId } }
          : {
              type: 'MoveOccurrence',
              data: {
                eventId,
                now,
                recurrenceId,
                start: change.start,
                end: change.end,
                title: change.title,
                description: change.description,
                location: change.location,
              },
            };
      },
      context,
    );
  }
}
