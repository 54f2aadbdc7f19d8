import { type FieldProblem, fromICalendar } from '@archipelago/util-calendar';
import { DomainError } from '@archipelago/util-decider';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { calendarEventDecider, type CalendarEventCommand } from '../../entity/event/calendar-event.decider.js';
import { EventValidationError } from '../../entity/event/calendar-event.errors.js';
import { CALENDAR_EVENT_REPOSITORY, type CalendarEventRepositoryPort } from '../port/calendar-event.repository.port.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { WORKSPACE_MEMBERSHIP, type WorkspaceMembershipPort } from '../port/workspace-membership.port.js';
import { WORKSPACE_SETTINGS, type WorkspaceSettingsPort } from '../port/workspace-settings.port.js';
import { requireWriter } from '../workspace-access.js';
import { ImportCalendarCommand } from './import-calendar.command.js';

/** The file is not iCalendar, or none of its events can be imported (400). */
export class InvalidICalendarError extends DomainError {
  readonly code = 'ICALENDAR.INVALID';
  constructor(message: string, problems: readonly FieldProblem[] = []) {
    super(message, { problems: [...problems] });
  }
}

/** What an import did: the events created (new ids) and what was skipped, by `events/<i>/<field>`. */
export interface ImportCalendarResult {
  readonly created: string[];
  readonly problems: FieldProblem[];
}

/**
 * Creates one calendar event per VEVENT series of an iCalendar file (util-calendar `fromICalendar`),
 * then applies its overrides (RECURRENCE-ID: moved or cancelled occurrences) as commands on the new
 * stream. Events the decider refuses are skipped and reported. Each event is its own stream: an
 * import that stops half-way keeps the events already created. Reminders: a VEVENT with VALARMs keeps
 * its own (their TRIGGERs, see util-calendar `fromICalendar`); one without gets the importer's default
 * reminders in the workspace, as an event created without `reminders` does.
 * @throws WorkspaceNotFoundError (404: not a member), WorkspaceForbiddenError (403: a viewer), InvalidICalendarError (400: not iCalendar, or nothing importable)
 */
@CommandHandler(ImportCalendarCommand)
export class ImportCalendarUseCase implements ICommandHandler<ImportCalendarCommand, ImportCalendarResult> {
  constructor(
    @Inject(CALENDAR_EVENT_REPOSITORY) private readonly repository: CalendarEventRepositoryPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WORKSPACE_MEMBERSHIP) private readonly memberships: WorkspaceMembershipPort,
    @Inject(WORKSPACE_SETTINGS) private readonly settings: WorkspaceSettingsPort,
  ) {}

  async execute({ workspaceId, ics, actorId, context }: ImportCalendarCommand): Promise<ImportCalendarResult> {
    await requireWriter(this.memberships, workspaceId, actorId);
    const now = this.clock.now();
    let parsed: ReturnType<typeof fromICalendar>;
    try {
      parsed = fromICalendar(ics, { now });
    } catch (error) {
      throw new InvalidICalendarError(`not an iCalendar file: ${(error as Error).message}`);
    }
    const problems: FieldProblem[] = [...parsed.problems];
    const { defaultReminders } = await this.settings.get(workspaceId, actorId);
    const created: string[] = [];
    for (const [index, event] of parsed.events.entries()) {
      const { overrides = [], ...schedule } = event.schedule;
      const eventId = globalThis.crypto.randomUUID();
      const commands: CalendarEventCommand[] = [
        {
          type: 'CreateEvent',
          data: {
            eventId,
            now,
            createdBy: actorId,
            lookups: {},
            input: {
              workspaceId,
              title: event.title,
              description: event.description ?? null,
              location: event.location ?? null,
              reminders: event.reminders ?? defaultReminders,
              ...schedule,
            },
          },
        },
        ...overrides.map((o): CalendarEventCommand =>
          'cancelled' in o
            ? { type: 'CancelOccurrence', data: { eventId, now, recurrenceId: o.recurrenceId } }
            : {
                type: 'MoveOccurrence',
                data: { eventId, now, recurrenceId: o.recurrenceId, start: o.start, end: o.end, title: o.title },
              },
        ),
      ];
      try {
        let state = calendarEventDecider.initialState();
        const events = [];
        for (const command of commands) {
          const decided = calendarEventDecider.decide(command, state);
          state = decided.reduce(calendarEventDecider.evolve, state);
          events.push(...decided);
        }
        await this.repository.save(eventId, events, 0, context);
        created.push(eventId);
      } catch (error) {
        if (!(error instanceof EventValidationError)) throw error;
        problems.push(...error.problems.map((p) => ({ field: `events/${index}/${p.field}`, message: p.message })));
      }
    }
    if (created.length === 0 && parsed.events.length + parsed.problems.length > 0)
      throw new InvalidICalendarError('no event of the file could be imported', problems);
    return { created, problems };
  }
}
