import { migrateServiceDatabase, type ServiceDatabase } from '@archipelago/platform-service-kit';
import { CalendarEventRecord } from './calendar-event.record.js';
import { calendarInitMigration } from './migrations/1796533479172-calendar-init.migration.js';
import { calendarRemindersMigration } from './migrations/1796600000000-calendar-reminders.migration.js';
import { calendarWorkspaceMembersMigration } from './migrations/1796700000000-calendar-workspace-members.migration.js';
import { calendarFeedTokensMigration } from './migrations/1796700000001-calendar-feed-tokens.migration.js';
import { calendarWorkspaceSettingsMigration } from './migrations/1796900000000-calendar-workspace-settings.migration.js';
import { calendarMemberSettingsMigration } from './migrations/1797000000000-calendar-member-settings.migration.js';
import { calendarMemberSettingsVersionMigration } from './migrations/1797100000000-calendar-member-settings-version.migration.js';

/** The calendar schema on the scheduling database: the event list record and its migrations. */
export const CALENDAR_DATABASE: ServiceDatabase = {
  system: 'scheduling',
  service: 'calendar',
  records: [CalendarEventRecord],
  migrations: (schema) => [
    calendarInitMigration(schema),
    calendarRemindersMigration(schema),
    calendarWorkspaceMembersMigration(schema),
    calendarFeedTokensMigration(schema),
    calendarWorkspaceSettingsMigration(schema),
    calendarMemberSettingsMigration(schema),
    calendarMemberSettingsVersionMigration(schema),
  ],
};

/** Creates the schema if missing and runs pending migrations; returns their names. */
export function migrateCalendar(url: string, schema: string): Promise<string[]> {
  return migrateServiceDatabase(CALENDAR_DATABASE, url, schema);
}
