import { migrateServiceDatabase, type ServiceDatabase } from '@archipelago/platform-service-kit';
import { TaskRecord } from './task.record.js';
import { tasksInitMigration } from './migrations/1796533473458-tasks-init.migration.js';
import { tasksWorkspacesMigration } from './migrations/1796700000000-tasks-workspaces.migration.js';
import { tasksRemindersMigration } from './migrations/1796800000000-tasks-reminders.migration.js';
import { tasksTextSearchMigration } from './migrations/1796900000000-tasks-text-search.migration.js';
import { tasksCustomFieldsMigration } from './migrations/1797000000000-tasks-custom-fields.migration.js';
import { tasksSubtaskLinksMigration } from './migrations/1797100000000-tasks-subtask-links.migration.js';
import { tasksIdempotencyKeysMigration } from './migrations/1797100000001-tasks-idempotency-keys.migration.js';
import { tasksMemberReminderDefaultsMigration } from './migrations/1797200000000-tasks-member-reminder-defaults.migration.js';
import { tasksIdempotencyKeyRetentionMigration } from './migrations/1797210000000-tasks-idempotency-key-retention.migration.js';
import { tasksIdempotencyKeyRequestIdMigration } from './migrations/1797210000001-tasks-idempotency-key-request-id.migration.js';

/** The tasks schema on the scheduling database: the task list record and its migrations. */
export const TASKS_DATABASE: ServiceDatabase = {
  system: 'scheduling',
  service: 'tasks',
  records: [TaskRecord],
  migrations: (schema) => [
    tasksInitMigration(schema),
    tasksWorkspacesMigration(schema),
    tasksRemindersMigration(schema),
    tasksTextSearchMigration(schema),
    tasksCustomFieldsMigration(schema),
    tasksSubtaskLinksMigration(schema),
    tasksIdempotencyKeysMigration(schema),
    tasksMemberReminderDefaultsMigration(schema),
    tasksIdempotencyKeyRetentionMigration(schema),
    tasksIdempotencyKeyRequestIdMigration(schema),
  ],
};

/** Creates the schema if missing and runs pending migrations; returns their names. */
export function migrateTasks(url: string, schema: string): Promise<string[]> {
  return migrateServiceDatabase(TASKS_DATABASE, url, schema);
}
