import { migrateServiceDatabase, type ServiceDatabase } from '@archipelago/platform-service-kit';
import { NotificationsItemRecord } from './notifications-item.record.js';
import { notificationsInitMigration } from './migrations/1796578352014-notifications-init.migration.js';

/** The notifications schema on the notifications database: the item list record and its migrations. */
export const NOTIFICATIONS_DATABASE: ServiceDatabase = {
  system: 'notifications',
  service: 'notifications',
  records: [NotificationsItemRecord],
  migrations: (schema) => [notificationsInitMigration(schema)],
};

/** Creates the schema if missing and runs pending migrations; returns their names. */
export function migrateNotifications(url: string, schema: string): Promise<string[]> {
  return migrateServiceDatabase(NOTIFICATIONS_DATABASE, url, schema);
}
