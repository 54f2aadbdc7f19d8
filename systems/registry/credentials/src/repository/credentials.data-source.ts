import { migrateServiceDatabase, type ServiceDatabase } from '@archipelago/platform-service-kit';
import { CredentialRecord } from './credential.record.js';
import { credentialsInitMigration } from './migrations/1796578506952-credentials-init.migration.js';
import { credentialsSuspensionMigration } from './migrations/1796644924976-credentials-suspension.migration.js';

/** The credentials schema on the registry database: the credential record and its migrations. */
export const CREDENTIALS_DATABASE: ServiceDatabase = {
  system: 'registry',
  service: 'credentials',
  records: [CredentialRecord],
  migrations: (schema) => [credentialsInitMigration(schema), credentialsSuspensionMigration(schema)],
};

/** Creates the schema if missing and runs pending migrations; returns their names. */
export function migrateCredentials(url: string, schema: string): Promise<string[]> {
  return migrateServiceDatabase(CREDENTIALS_DATABASE, url, schema);
}
