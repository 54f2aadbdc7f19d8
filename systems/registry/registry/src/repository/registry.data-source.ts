import { migrateServiceDatabase, type ServiceDatabase } from '@archipelago/platform-service-kit';
import { RegistryItemRecord } from './registry-item.record.js';
import { registryInitMigration } from './migrations/1796533485626-registry-init.migration.js';
import { registryDefinitionsMigration } from './migrations/1796540000000-registry-definitions.migration.js';
import { registryEntitiesMigration } from './migrations/1796540100000-registry-entities.migration.js';
import { registryEntitySearchMigration } from './migrations/1796540200000-registry-entity-search.migration.js';
import { registryClaimsMigration } from './migrations/1796540300000-registry-claims.migration.js';
import { registryEntityOwnersMigration } from './migrations/1796540400000-registry-entity-owners.migration.js';
import { registryEntityDataKeysMigration } from './migrations/1796540514000-registry-entity-data-keys.migration.js';
import { registryClaimAttestorEntitiesMigration } from './migrations/1796540615015-registry-claim-attestor-entities.migration.js';
import { registryOutboxInvitationsMigration } from './migrations/1796540700000-registry-outbox-invitations.migration.js';
import { registryEntitySearchShapeMigration } from './migrations/1796540812000-registry-entity-search-shape.migration.js';
import { registryEntitySearchTrigramMigration } from './migrations/1796540900000-registry-entity-search-trigram.migration.js';

/** The registry schema on the registry database: the item list record and the migrations (item list, definition list, unique claims, entity search, claim list, entity owners, entity data keys, claim attestor entities, the outbox's invitations index, entity search shape, the pg_trgm extension where available). */
export const REGISTRY_DATABASE: ServiceDatabase = {
  system: 'registry',
  service: 'registry',
  records: [RegistryItemRecord],
  migrations: (schema) => [
    registryInitMigration(schema),
    registryDefinitionsMigration(schema),
    registryEntitiesMigration(schema),
    registryEntitySearchMigration(schema),
    registryClaimsMigration(schema),
    registryEntityOwnersMigration(schema),
    registryEntityDataKeysMigration(schema),
    registryClaimAttestorEntitiesMigration(schema),
    registryOutboxInvitationsMigration(schema),
    registryEntitySearchShapeMigration(schema),
    registryEntitySearchTrigramMigration(schema),
  ],
};

/** Creates the schema if missing and runs pending migrations; returns their names. */
export function migrateRegistry(url: string, schema: string): Promise<string[]> {
  return migrateServiceDatabase(REGISTRY_DATABASE, url, schema);
}
