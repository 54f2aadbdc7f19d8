import 'reflect-metadata';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { runServiceMain } from '@archipelago/platform-service-kit';
import { CALENDAR_EVENTS } from '@archipelago/scheduling-contracts';
import { calendarConfigSchema } from './calendar.config.js';
import { CALENDAR_DOMAIN_ERRORS, CalendarModule } from './calendar.module.js';
import {
  CALENDAR_CONSUMER_GROUP,
  MEMBERSHIP_TOPICS,
  WorkspaceMembershipMessageHandler,
} from './handler/message/workspace-membership.message-handler.js';
import { CalendarInfrastructure } from './repository/calendar.infrastructure.js';

/**
 * scheduling/calendar entry point (commands: see `runServiceMain`).
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rebuild-projections`: empty and replay the calendar event list read model, exit 0.
 * - `main.js`: serve HTTP (HTTP_PORT); every route needs an access token
 *   verified against identity's JWKS (AUTH_JWKS_URL). Publishes CalendarEventCreatedV1,
 *   CalendarEventUpdatedV1, CalendarEventDeletedV1, CalendarOccurrenceChangedV1 and ReminderDueV1
 *   (`scheduling.calendar.*.v1`) through the outbox.
 *   `ROLE=command|query|all` picks the routes served (docs/adding-a-service.md).
 */
await runServiceMain({
  configSchema: calendarConfigSchema,
  infrastructure: CalendarInfrastructure,
  module: (infrastructure, config) =>
    CalendarModule.forRoot(infrastructure, authOptionsFromConfig(config), config.ROLE, {
      reminderPollMs: config.REMINDER_POLL_MS,
    }),
  domainErrors: CALENDAR_DOMAIN_ERRORS,
  openapi: {
    title: 'Archipelago scheduling/calendar',
    version: '1.0.0',
    description:
      'Calendar events of scheduling (command role: writes; query role: occurrences). Event-sourced; integration events CalendarEventCreatedV1, CalendarEventUpdatedV1, CalendarEventDeletedV1, CalendarOccurrenceChangedV1, ReminderDueV1.',
  },
  topics: [...Object.values(CALENDAR_EVENTS).map((e) => e.topic), ...MEMBERSHIP_TOPICS],
  // Shared workspaces: the membership read model, from tasks' WorkspaceMember*V1 (every role keeps it).
  onStarted: async (app, infrastructure) => {
    const memberships = app.get(WorkspaceMembershipMessageHandler);
    await infrastructure.messaging.subscribe(CALENDAR_CONSUMER_GROUP, [...MEMBERSHIP_TOPICS], (message) =>
      memberships.handle(message, CALENDAR_CONSUMER_GROUP),
    );
  },
});
