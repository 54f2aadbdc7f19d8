import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { calendarEventDecider, type CalendarEventState } from '../../entity/event/calendar-event.decider.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import {
  CALENDAR_EVENT_REPOSITORY,
  type CalendarEventRepositoryPort,
  ConcurrencyConflictError,
} from '../port/calendar-event.repository.port.js';
import { WORKSPACE_MEMBERSHIP, type WorkspaceMembershipPort } from '../port/workspace-membership.port.js';
import { WORKSPACE_SETTINGS, type WorkspaceSettingsPort } from '../port/workspace-settings.port.js';
import { personalWorkspaceId, requireWriter, roleOf } from '../workspace-access.js';
import { CreateEventCommand } from './create-event.command.js';

const MAX_ATTEMPTS = 5;

/**
 * Creates a calendar event with a fresh id in the caller's personal workspace (when `workspaceId` is
 * left out) or the workspace named, where the caller must be an owner or editor. Attendees must be
 * members (any role) of the workspace. A request without `reminders` gets the creator's default
 * reminders in that workspace (`PUT /scheduling/v1/calendars/{workspaceId}/settings`); an explicit list,
 * even empty, wins.
 * @throws EventValidationError (400, by field: unknown zone, end before start, COUNT with UNTIL …), WorkspaceNotFoundError (404), WorkspaceForbiddenError (403: a viewer)
 */
@CommandHandler(CreateEventCommand)
export class CreateEventUseCase implements ICommandHandler<
  CreateEventCommand,
  { state: CalendarEventState; version: number }
> {
  constructor(
    @Inject(CALENDAR_EVENT_REPOSITORY) private readonly repository: CalendarEventRepositoryPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WORKSPACE_MEMBERSHIP) private readonly memberships: WorkspaceMembershipPort,
    @Inject(WORKSPACE_SETTINGS) private readonly settings: WorkspaceSettingsPort,
  ) {}

  async execute({
    input,
    actorId,
    context,
  }: CreateEventCommand): Promise<{ state: CalendarEventState; version: number }> {
    // Only a missing key means the personal workspace; null (like any non-string) is a 400 by field.
    const workspaceId = input.workspaceId === undefined ? personalWorkspaceId(actorId) : input.workspaceId;
    if (typeof workspaceId === 'string') await requireWriter(this.memberships, workspaceId, actorId);
    const attendees = Array.isArray(input.attendees) ? input.attendees.slice(0, 101) : [];
    const nonMemberAttendees: string[] = [];
    for (const a of attendees) {
      if (typeof a !== 'string' || typeof workspaceId !== 'string') continue;
      if ((await roleOf(this.memberships, workspaceId, a)) === null) nonMemberAttendees.push(a);
    }
    const reminders =
      input.reminders === undefined && typeof workspaceId === 'string'
        ? { reminders: (await this.settings.get(workspaceId, actorId)).defaultReminders }
        : {};
    const eventId = globalThis.crypto.randomUUID();
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.repository.load(eventId);
      const events = calendarEventDecider.decide(
        {
          type: 'CreateEvent',
          data: {
            eventId,
            now: this.clock.now(),
            input: { ...input, ...reminders, workspaceId },
            createdBy: actorId,
            lookups: { nonMemberAttendees },
          },
        },
        state,
      );
      try {
        await this.repository.save(eventId, events, version, context);
      } catch (error) {
        if (error instanceof ConcurrencyConflictError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      return { state: events.reduce(calendarEventDecider.evolve, state), version: version + events.length };
    }
  }
}
