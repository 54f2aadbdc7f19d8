import { migrateServiceDatabase, type ServiceDatabase } from '@archipelago/platform-service-kit';
import { notificationsInitMigration } from './migrations/1796578352014-notifications-init.migration.js';
import { notificationsPushMigration } from './migrations/1796586606369-notifications-push.migration.js';
import { notificationsRecipientSeqMigration } from './migrations/1796622160008-notifications-recipient-seq.migration.js';
import { notificationsEntityErasureMigration } from './migrations/1796644544208-notifications-entity-erasure.migration.js';

/** The notifications schema on the notifications database: plain SQL tables (no TypeORM records) and their migrations. */
export const NOTIFICATIONS_DATABASE: ServiceDatabase = {
  system: 'notifications',
  service: 'notifications',
  records: [],
  migrations: (schema) => [
    notificationsInitMigration(schema),
    notificationsPushMigration(schema),
    notificationsRecipientSeqMigration(schema),
    notificationsEntityErasureMigration(schema),
  ],
};

/** Creates the schema if missing and runs pending migrations; returns their names. */
export function migrateNotifications(url: string, schema: string): Promise<string[]> {
  return migrateServiceDatabase(NOTIFICATIONS_DATABASE, url, schema);
}
