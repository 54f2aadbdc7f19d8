import 'reflect-metadata';
import { REGISTRY_PROTO_FILE, REGISTRY_PROTO_PACKAGE, registryProtoRoot } from '@archipelago/registry-contracts';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { runServiceMain } from '@archipelago/platform-service-kit';
import { registryConfigSchema } from './registry.config.js';
import { REGISTRY_DOMAIN_ERRORS, RegistryModule } from './registry.module.js';
import { RegistryInfrastructure } from './repository/registry.infrastructure.js';
import { rememberServiceDocument } from './handler/http/entity-type.openapi.js';

/**
 * registry/registry entry point (commands: see `runServiceMain`).
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rebuild-projections`: empty and replay the item list read model, exit 0.
 * - `main.js`: serve HTTP (HTTP_PORT) and gRPC (GRPC_PORT); every route needs an access token
 *   verified against identity's JWKS (AUTH_JWKS_URL), writes the `admin` role. Publishes
 *   RegistryItemCreatedV1 on `registry.registry.item-created.v1` and DefinitionActivatedV1 on
 *   `registry.registry.definition-activated.v1` through the outbox.
 */
await runServiceMain({
  configSchema: registryConfigSchema,
  infrastructure: RegistryInfrastructure,
  module: (infrastructure, config) => RegistryModule.forRoot(infrastructure, authOptionsFromConfig(config)),
  domainErrors: REGISTRY_DOMAIN_ERRORS,
  openapi: {
    title: 'Archipelago registry/registry',
    version: '1.0.0',
    description:
      'Definitions (JSON Schemas with _osConfig, Daksha-RC paths under /registry/v1/schema) and the generated example items. Event-sourced; integration events DefinitionActivatedV1, RegistryItemCreatedV1, EntityCreatedV1, EntityUpdatedV1, EntityDeletedV1, EntityInvitedV1, ClaimRaisedV1, ClaimAttestedV1, ClaimRejectedV1. Each active entity type has its own document with the bodies it accepts: GET /registry/v1/entity/{type}/openapi.json.',
    // The per-type documents are derived from this one.
    refine: rememberServiceDocument,
  },
  topics: [
    'registry.registry.item-created.v1',
    'registry.registry.definition-activated.v1',
    'registry.registry.entity-created.v1',
    'registry.registry.entity-updated.v1',
    'registry.registry.entity-deleted.v1',
    'registry.registry.entity-invited.v1',
    'registry.registry.claim-raised.v1',
    'registry.registry.claim-attested.v1',
    'registry.registry.claim-rejected.v1',
  ],
  grpc: { packages: [REGISTRY_PROTO_PACKAGE], protoFiles: [REGISTRY_PROTO_FILE], protoRoot: registryProtoRoot },
});
