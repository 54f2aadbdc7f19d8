import {
  CalendarSettingsCommandHttpHandler,
  CalendarSettingsQueryHttpHandler,
} from './handler/http/calendar-settings.http-handler.js';
import { WORKSPACE_SETTINGS } from './use-case/port/workspace-settings.port.js';
import {
  GetWorkspaceSettingsUseCase,
  SetWorkspaceSettingsUseCase,
} from './use-case/workspace-settings/workspace-settings.use-case.js';
import { AuthModule, type AuthOptions } from '@archipelago/platform-auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SystemClockGateway } from './gateway/system-clock.gateway.js';
import { CalendarCommandHttpHandler } from './handler/http/calendar.command.http-handler.js';
import { CalendarImportCommandHttpHandler } from './handler/http/calendar-import.command.http-handler.js';
import { CalendarFeedQueryHttpHandler } from './handler/http/calendar-feed.query.http-handler.js';
import { CalendarQueryHttpHandler } from './handler/http/calendar.query.http-handler.js';
import { REMINDER_ENGINE_JOB_OPTIONS, ReminderEngineJob } from './handler/job/reminder-engine.job.js';
import { WorkspaceMembershipMessageHandler } from './handler/message/workspace-membership.message-handler.js';
import { CalendarInfrastructure } from './repository/calendar.infrastructure.js';
import { ChangeOccurrenceUseCase } from './use-case/change-occurrence/change-occurrence.use-case.js';
import { CreateEventUseCase } from './use-case/create-event/create-event.use-case.js';
import { DeleteEventUseCase } from './use-case/delete-event/delete-event.use-case.js';
import { GetEventUseCase } from './use-case/get-event/get-event.use-case.js';
import { UpdateEventUseCase } from './use-case/update-event/update-event.use-case.js';
import { ImportCalendarUseCase } from './use-case/import-calendar/import-calendar.use-case.js';
import { ExportCalendarUseCase } from './use-case/export-calendar/export-calendar.use-case.js';
import { ListOccurrencesUseCase } from './use-case/list-occurrences/list-occurrences.use-case.js';
import { CALENDAR_EVENT_REPOSITORY } from './use-case/port/calendar-event.repository.port.js';
import { CLOCK } from './use-case/port/clock.port.js';
import { EVENT_READ_MODEL } from './use-case/port/event.read-model.port.js';
import { REMINDER_ENGINE } from './use-case/port/reminder-engine.port.js';
import { EVENT_LOOKUP, REMINDER_STORE } from './use-case/port/reminder-store.port.js';
import { ReplanRemindersUseCase } from './use-case/replan-reminders/replan-reminders.use-case.js';
import { RunReminderEngineUseCase } from './use-case/run-reminder-engine/run-reminder-engine.use-case.js';
import { WORKSPACE_MEMBERSHIP } from './use-case/port/workspace-membership.port.js';
import { RecordMembershipUseCase } from './use-case/record-membership/record-membership.use-case.js';
import { FEED_TOKENS } from './use-case/port/feed-token.port.js';
import { RotateFeedTokenUseCase } from './use-case/rotate-feed-token/rotate-feed-token.use-case.js';

/** Domain error code → HTTP status of the calendar public API. */
export const CALENDAR_DOMAIN_ERRORS = {
  'EVENT.INVALID': 400,
  'EVENT.NOT_FOUND': 404,
  'WORKSPACE.FORBIDDEN': 403,
  'WORKSPACE.NOT_FOUND': 404,
  'EVENT.ALREADY_EXISTS': 409,
  'EVENT.CONCURRENCY_CONFLICT': 409,
  'EVENT.VERSION_CONFLICT': 412,
  'EVENT.STALE_READ': 409,
  'OCCURRENCES.INVALID_QUERY': 400,
  'ICALENDAR.INVALID': 400,
} as const;

/** Which HTTP routes a process serves: `command` the writes, `query` the reads, `all` both. */
export type CalendarRole = 'command' | 'query' | 'all';

/**
 * Wiring of the calendar service: ports bound to adapters, handlers to use cases, and
 * access-token validation (`auth`: every route needs a token unless `@Public()`; a user reaches their personal workspace and the shared ones they are a member of, as consumed from tasks).
 * `role` picks the HTTP controllers (one image, deployed as a command and a query role when the
 * service is split; `all` locally). The command role (and `all`) also runs the reminder engine every
 * `reminderPollMs` (0: not at all).
 */
@Module({})
export class CalendarModule {
  static forRoot(
    infrastructure: CalendarInfrastructure,
    auth: AuthOptions,
    role: CalendarRole = 'all',
    options: { readonly reminderPollMs?: number; readonly onError?: (error: unknown) => void } = {},
  ): DynamicModule {
    const pollMs = options.reminderPollMs ?? 500;
    const engine = role !== 'query' && pollMs > 0;
    return {
      module: CalendarModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(auth)],
      controllers: [
        ...(role === 'query'
          ? []
          : [CalendarCommandHttpHandler, CalendarImportCommandHttpHandler, CalendarSettingsCommandHttpHandler]),
        ...(role === 'command'
          ? []
          : [CalendarQueryHttpHandler, CalendarFeedQueryHttpHandler, CalendarSettingsQueryHttpHandler]),
      ],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: CalendarInfrastructure, useValue: infrastructure },
        { provide: CALENDAR_EVENT_REPOSITORY, useValue: infrastructure.repository },
        { provide: EVENT_READ_MODEL, useValue: infrastructure.readModel },
        { provide: WORKSPACE_MEMBERSHIP, useValue: infrastructure.memberships },
        { provide: FEED_TOKENS, useValue: infrastructure.feedTokens },
        { provide: WORKSPACE_SETTINGS, useValue: infrastructure.settings },
        { provide: CLOCK, useClass: SystemClockGateway },
        { provide: EVENT_LOOKUP, useValue: infrastructure.readModel },
        { provide: REMINDER_STORE, useValue: infrastructure.reminders },
        { provide: REMINDER_ENGINE, useValue: infrastructure.reminders },
        { provide: REMINDER_ENGINE_JOB_OPTIONS, useValue: { pollMs, onError: options.onError } },
        CreateEventUseCase,
        UpdateEventUseCase,
        DeleteEventUseCase,
        ChangeOccurrenceUseCase,
        GetEventUseCase,
        ListOccurrencesUseCase,
        ExportCalendarUseCase,
        ImportCalendarUseCase,
        ReplanRemindersUseCase,
        RunReminderEngineUseCase,
        RecordMembershipUseCase,
        RotateFeedTokenUseCase,
        SetWorkspaceSettingsUseCase,
        GetWorkspaceSettingsUseCase,
        WorkspaceMembershipMessageHandler,
        ...(engine ? [ReminderEngineJob] : []),
      ],
    };
  }
}
