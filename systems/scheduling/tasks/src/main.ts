import 'reflect-metadata';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { runServiceMain } from '@archipelago/platform-service-kit';
import { TASKS_EVENTS, WORKSPACES_EVENTS } from '@archipelago/scheduling-contracts';
import { tasksConfigSchema } from './tasks.config.js';
import { TASKS_DOMAIN_ERRORS, TasksModule } from './tasks.module.js';
import { TasksInfrastructure } from './repository/tasks.infrastructure.js';
import {
  MemberReminderDefaultsMessageHandler,
  REMINDER_DEFAULTS_TOPICS,
  TASKS_CONSUMER_GROUP,
} from './handler/message/member-reminder-defaults.message-handler.js';

/**
 * scheduling/tasks entry point (commands: see `runServiceMain`).
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rebuild-projections`: empty and replay the task list read model, exit 0.
 * - `main.js`: serve HTTP (HTTP_PORT); every route needs an access token
 *   verified against identity's JWKS (AUTH_JWKS_URL). Publishes TaskCreatedV1,
 *   TaskCompletedV1, TaskAssignedV1 and (the reminder engine, command role) TaskDueSoonV1
 *   (scheduling.tasks.task-*.v1) through the outbox. Consumes calendar's MemberReminderDefaultsSetV1
 *   (group `scheduling.tasks`) into `member_reminder_defaults`: a new task's default reminders.
 *   `ROLE=command|query|all` picks the routes served (docs/adding-a-service.md).
 */
await runServiceMain({
  configSchema: tasksConfigSchema,
  infrastructure: TasksInfrastructure,
  module: (infrastructure, config) =>
    TasksModule.forRoot(infrastructure, authOptionsFromConfig(config), config.ROLE, {
      reminderPollMs: config.REMINDER_POLL_MS,
      idempotencyKeyRetention: {
        retentionMs: config.IDEMPOTENCY_KEY_RETENTION_HOURS * 3_600_000,
        intervalMs: config.IDEMPOTENCY_KEY_RETENTION_INTERVAL_SECONDS * 1000,
      },
    }),
  domainErrors: TASKS_DOMAIN_ERRORS,
  openapi: {
    title: 'Archipelago scheduling/tasks',
    version: '1.0.0',
    description:
      'Tasks of scheduling (command role: writes; query role: reads). Event-sourced; integration events TaskCreatedV1, TaskCompletedV1, TaskAssignedV1, TaskDueSoonV1 (task reminders).',
  },
  topics: [
    ...[...Object.values(TASKS_EVENTS), ...Object.values(WORKSPACES_EVENTS)].map((e) => e.topic),
    ...REMINDER_DEFAULTS_TOPICS,
  ],
  // Members' default reminders, from calendar's MemberReminderDefaultsSetV1 (every role keeps them).
  onStarted: async (app, infrastructure) => {
    const defaults = app.get(MemberReminderDefaultsMessageHandler);
    await infrastructure.messaging.subscribe(TASKS_CONSUMER_GROUP, [...REMINDER_DEFAULTS_TOPICS], (message) =>
      defaults.handle(message, TASKS_CONSUMER_GROUP),
    );
  },
});
