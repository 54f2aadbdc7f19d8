import { migrateServiceDatabase, type ServiceDatabase } from '@archipelago/platform-service-kit';
import { identityInitMigration } from './migrations/1764000000000-identity-init.migration.js';
import { identitySessionsMigration } from './migrations/1765000000000-identity-sessions.migration.js';
import { identitySessionLifetimesMigration } from './migrations/1765000000001-identity-session-lifetimes.migration.js';
import { identityAuthorizationCodesMigration } from './migrations/1765000000002-identity-authorization-codes.migration.js';
import { identityEmailTokensMigration } from './migrations/1766000000000-identity-email-tokens.migration.js';
import { identityTotpMigration } from './migrations/1765000000010-identity-totp.migration.js';
import { identityEmailOtpsMigration } from './migrations/1767000000000-identity-email-otps.migration.js';
import { identitySignInDevicesMigration } from './migrations/1768000000000-identity-sign-in-devices.migration.js';
import { UserRecord } from './user.record.js';

/** The identity service's schema on the identity database: the user record and its migrations. */
export const IDENTITY_DATABASE: ServiceDatabase = {
  system: 'identity',
  service: 'identity',
  records: [UserRecord],
  migrations: (schema) => [
    identityInitMigration(schema),
    identitySessionsMigration(schema),
    identitySessionLifetimesMigration(schema),
    identityAuthorizationCodesMigration(schema),
    identityEmailTokensMigration(schema),
    identityTotpMigration(schema),
    identityEmailOtpsMigration(schema),
    identitySignInDevicesMigration(schema),
  ],
};

/** Creates the schema if missing and runs pending migrations; returns their names. */
export function migrateIdentity(url: string, schema: string): Promise<string[]> {
  return migrateServiceDatabase(IDENTITY_DATABASE, url, schema);
}
