import 'reflect-metadata';
import { REGISTRY_PROTO_FILE, REGISTRY_PROTO_PACKAGE, registryProtoRoot } from '@archipelago/registry-contracts';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { platformMetricsRegistry, ReadinessRegistry } from '@archipelago/platform-service';
import { logLine, runServiceMain } from '@archipelago/platform-service-kit';
import { Gauge } from 'prom-client';
import {
  defaultKeksDir,
  kekSourceFromEnv,
  loadKeyEncryptionKeys,
  rotateKeyEncryptionKeys,
} from './repository/crypto/key-encryption-keys.js';
import { registryConfigSchema } from './registry.config.js';
import { definitionIdOf } from './entity/definition/definition-id.js';
import { REGISTRY_DOMAIN_ERRORS, RegistryModule } from './registry.module.js';
import { RegistryInfrastructure } from './repository/registry.infrastructure.js';
import { rememberServiceDocument } from './handler/http/entity-type.openapi.js';
import { documentKeyUnavailable } from './handler/http/key-unavailable.openapi.js';

/**
 * registry/registry entry point (commands: see `runServiceMain`).
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rebuild-projections`: empty and replay the read models, exit 0.
 * - `main.js rotate-kek`: a new key-encryption key, current, in REGISTRY_KEKS_DIR (earlier ones
 *   kept), then every data key re-wrapped with it; running services pick the new key up when they
 *   meet it; exit 0. (With REGISTRY_KEKS from a Secret: put the new JWK first in the Secret's set,
 *   keep the old ones, restart, then `rewrap-data-keys`.)
 * - `main.js rewrap-data-keys`: re-wrap every entity data key with the current key-encryption key,
 *   logs `data keys rewrapped` with the count, exit 0; then the older keys may be dropped.
 * - `main.js rebuild-entity-search [type]`: derives again every search row of the type (of every
 *   serving type without one) with its serving definition version and swaps them in at once
 *   (searches keep answering meanwhile), logs `entity search rebuilt` per type, exit 0 (2: unknown type).
 * - `main.js seal-private-fields`: seals in place the private fields of entity events written
 *   before envelope encryption (drops them for deleted entities), logs `private fields sealed`, exit 0.
 * - `main.js`: serve HTTP (HTTP_PORT) and gRPC (GRPC_PORT); readiness (`/health/ready`) also checks
 *   `keks`: every key-encryption key that wraps a data key is configured (else not ready, naming the
 *   missing kid; the entity routes that need it answer 503 `REGISTRY.KEY_UNAVAILABLE`); seals at rest
 *   the fields an activated definition version made private (metrics
 *   `registry_newly_private_sealed{what}`, `registry_newly_private_pending_definitions`); every route needs an access token
 *   verified against identity's JWKS (AUTH_JWKS_URL), writes the `admin` role. Publishes
 *   RegistryItemCreatedV1 on `registry.registry.item-created.v1` and DefinitionActivatedV1 on
 *   `registry.registry.definition-activated.v1` through the outbox.
 */
await runServiceMain({
  configSchema: registryConfigSchema,
  infrastructure: RegistryInfrastructure,
  maintenanceCommands: {
    'rotate-kek': async (infrastructure) => {
      const production = process.env['NODE_ENV'] === 'production';
      const dir = process.env['REGISTRY_KEKS_DIR'] ?? (production ? undefined : defaultKeksDir());
      if (!dir || process.env['REGISTRY_KEKS']) {
        logLine(
          50,
          'rotate-kek rotates the keys in REGISTRY_KEKS_DIR; with REGISTRY_KEKS (a Secret), put the new key first in the Secret, restart, then run rewrap-data-keys',
        );
        return 2;
      }
      const rotated = await rotateKeyEncryptionKeys(dir);
      const result = await infrastructure.dataKeys.rewrap(infrastructure.pool);
      logLine(30, 'key-encryption key rotated, data keys rewrapped', { ...rotated, rewrapped: result.rewrapped });
      return 0;
    },
    'rebuild-entity-search': async (infrastructure, args) => {
      const type = args[0];
      const reshapes = await infrastructure.searchReshaper.rebuild(
        type === undefined ? undefined : definitionIdOf(type),
      );
      if (type !== undefined && reshapes.length === 0) {
        logLine(50, 'no serving definition of that type', { type });
        return 2;
      }
      for (const reshape of reshapes) logLine(30, 'entity search rebuilt', { ...reshape });
      return 0;
    },
    'seal-private-fields': async (infrastructure) => {
      const result = await infrastructure.entities.sealLegacyEvents();
      logLine(30, 'private fields sealed', result);
      return 0;
    },
    'rewrap-data-keys': async (infrastructure) => {
      const result = await infrastructure.dataKeys.rewrap(infrastructure.pool);
      logLine(30, 'data keys rewrapped', result);
      return 0;
    },
  },
  // Fails start-up with a clear message when the key-encryption keys are missing or malformed.
  prepare: async () => {
    await loadKeyEncryptionKeys(kekSourceFromEnv());
  },
  onStarted: async (app, infrastructure) => {
    app.get(ReadinessRegistry).register('keks', () => infrastructure.kekAvailability.readiness());
    const progress = infrastructure.newlyPrivate.progress;
    new Gauge({
      name: 'registry_newly_private_sealed',
      help: 'Entities, events and outbox messages sealed since start because an activated definition version made fields private',
      labelNames: ['what'],
      registers: [platformMetricsRegistry],
      collect() {
        this.set({ what: 'entities' }, progress.entities);
        this.set({ what: 'events' }, progress.events);
        this.set({ what: 'messages' }, progress.messages);
      },
    });
    new Gauge({
      name: 'registry_newly_private_pending_definitions',
      help: 'Definitions whose earlier versions still have entities to seal (0: done)',
      registers: [platformMetricsRegistry],
      collect() {
        this.set(progress.pending);
      },
    });
  },
  module: (infrastructure, config) => RegistryModule.forRoot(infrastructure, authOptionsFromConfig(config)),
  domainErrors: REGISTRY_DOMAIN_ERRORS,
  openapi: {
    title: 'Archipelago registry/registry',
    version: '1.0.0',
    description:
      'Definitions (JSON Schemas with _osConfig, Daksha-RC paths under /registry/v1/schema) and the generated example items. Event-sourced; integration events DefinitionActivatedV1, RegistryItemCreatedV1, EntityCreatedV1, EntityUpdatedV1, EntityDeletedV1, EntityDeactivatedV1, EntityReactivatedV1, EntityInvitedV1, ClaimRaisedV1, ClaimAttestedV1, ClaimRejectedV1. Each active entity type has its own document with the bodies it accepts: GET /registry/v1/entity/{type}/openapi.json.',
    // The per-type documents are derived from this one.
    refine: (document) => {
      documentKeyUnavailable(document);
      rememberServiceDocument(document);
    },
  },
  topics: [
    'registry.registry.item-created.v1',
    'registry.registry.definition-activated.v1',
    'registry.registry.entity-created.v1',
    'registry.registry.entity-updated.v1',
    'registry.registry.entity-deleted.v1',
    'registry.registry.entity-deactivated.v1',
    'registry.registry.entity-reactivated.v1',
    'registry.registry.entity-invited.v1',
    'registry.registry.claim-raised.v1',
    'registry.registry.claim-attested.v1',
    'registry.registry.claim-rejected.v1',
    'registry.registry.claim-superseded.v1',
  ],
  grpc: { packages: [REGISTRY_PROTO_PACKAGE], protoFiles: [REGISTRY_PROTO_FILE], protoRoot: registryProtoRoot },
});
