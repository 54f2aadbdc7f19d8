import { logLine, ServiceInfrastructure } from '@archipelago/platform-service-kit';
import { RegistryItemEventStoreRepository } from './registry-item.event-store.repository.js';
import { RegistryItemListProjection, RegistryItemListReadModel } from './registry-item-list.projection.js';
import { DefinitionEventStoreRepository } from './definition.event-store.repository.js';
import { DefinitionListProjection, DefinitionListReadModel } from './definition-list.projection.js';
import { RegistryEntityEventStoreRepository } from './registry-entity.event-store.repository.js';
import { EntitySearchProjection, EntitySearchReadModel } from './entity-search.projection.js';
import { EntitySearchIndexes } from './search/entity-search-indexes.js';
import { EntitySearchReshaper } from './search/entity-search-reshaper.js';
import { REGISTRY_DATABASE } from './registry.data-source.js';
import { ClaimEventStoreRepository } from './claim.event-store.repository.js';
import { ClaimListProjection, ClaimListReadModel } from './claim-list.projection.js';
import { ClaimEntityProcessManager } from './claim-entity.process-manager.js';
import { DataKeyStore } from './crypto/data-key.store.js';
import { kekSourceFromEnv, loadKeyEncryptionKeys, type KeyEncryptionKeyRing } from './crypto/key-encryption-keys.js';
import { PrivateFieldSealer } from './crypto/private-field.sealer.js';
import { NewlyPrivateFieldSealer } from './crypto/newly-private.sealer.js';
import { KekAvailability } from './crypto/kek-availability.js';

/**
 * Everything the registry adapters stand on (see {@link ServiceInfrastructure}): the item list
 * projection and the item repository, the definition repository and the definition list, the claim
 * repository, the claim list and the claim → entity process manager, and the entities' data keys
 * (envelope encryption of private fields; the key-encryption keys are read from REGISTRY_KEKS /
 * REGISTRY_KEKS_DIR on first use, so maintenance commands such as rebuild-projections have them too). `RegistryInfrastructure.open(config)` connects;
 * `start()` starts the outbox relay and the projection; `close()` stops them.
 */
export class RegistryInfrastructure extends ServiceInfrastructure {
  static override readonly database = REGISTRY_DATABASE;

  readonly projectionRunner = this.addProjection(new RegistryItemListProjection(this.config.schema));
  readonly repository = new RegistryItemEventStoreRepository(this.pool, this.store, this.messaging);
  readonly readModel = new RegistryItemListReadModel(this.dataSource, this.projectionRunner);
  readonly definitionProjectionRunner = this.addProjection(new DefinitionListProjection(this.config.schema));
  readonly definitions = new DefinitionEventStoreRepository(this.pool, this.store, this.messaging);
  private keyRing?: Promise<KeyEncryptionKeyRing>;
  /** Data keys of the entities, wrapped by the key-encryption keys of the environment (loaded once). */
  readonly dataKeys = new DataKeyStore(
    this.config.schema,
    (refresh) => {
      if (refresh || !this.keyRing) this.keyRing = loadKeyEncryptionKeys(kekSourceFromEnv());
      return this.keyRing;
    },
    (kid, entityId) => this.kekAvailability.noteMissing(kid, entityId),
  );
  /** Whether every KEK that wraps a data key is configured (readiness check `keks`, see main.ts). */
  readonly kekAvailability = new KekAvailability(this.pool, this.dataKeys, {
    onError: (error) => this.config.onError?.(error),
    log: (missing) => logLine(50, 'key-encryption key missing', missing),
  });
  readonly sealer = new PrivateFieldSealer(this.dataKeys);
  readonly entities = new RegistryEntityEventStoreRepository(
    this.pool,
    this.store,
    this.messaging,
    this.config.schema,
    this.sealer,
  );
  readonly entitySearchProjection = new EntitySearchProjection(this.config.schema, this.store, this.sealer);
  readonly entitySearchRunner = this.addProjection(this.entitySearchProjection);
  readonly entitySearch = new EntitySearchReadModel(this.pool, this.config.schema, this.entitySearchRunner);
  readonly definitionList = new DefinitionListReadModel(this.pool, this.config.schema, this.definitionProjectionRunner);
  readonly claims = new ClaimEventStoreRepository(this.pool, this.store, this.messaging);
  readonly claimListRunner = this.addProjection(
    new ClaimListProjection(this.config.schema, (client, stream) => this.store.readStream(client, stream)),
  );
  readonly claimList = new ClaimListReadModel(this.pool, this.config.schema, this.claimListRunner);
  /** The claim → entity process manager (a checkpointed projection; see ClaimEntityProcessManager). */
  readonly claimProcessRunner = this.addProjection(
    new ClaimEntityProcessManager(
      this.entities,
      (client, stream) => this.store.readStream(client, stream),
      this.claims,
    ),
  );
  /** The `indexFields` indexes of the search read model, kept in line with the serving definitions (ADR 0012). */
  readonly searchIndexes = new EntitySearchIndexes(this.pool, this.config.schema, this.definitions, {
    onError: (error) => this.config.onError?.(error),
    onTrigramUnavailable: () =>
      logLine(40, 'pg_trgm extension missing: no trigram indexes, endsWith and contains searches scan', {
        schema: this.config.schema,
      }),
  });

  /** Rebuilds a type's search rows with its serving version when another version starts serving (ADR 0012). */
  readonly searchReshaper = new EntitySearchReshaper(
    this.pool,
    this.config.schema,
    this.store,
    this.entitySearchProjection,
    {
      onError: (error) => this.config.onError?.(error),
      onReshaped: (reshape) => logLine(30, 'entity search rebuilt', { ...reshape }),
    },
  );

  /** Seals at rest the fields an activated version made private in earlier versions' entities (ADR 0011). */
  readonly newlyPrivate = new NewlyPrivateFieldSealer(this.pool, this.config.schema, this.store, this.entities, {
    onError: (error) => this.config.onError?.(error),
    onSealed: (sealing) => logLine(30, 'newly private fields sealed', { ...sealing }),
  });

  /**
   * Also starts keeping the search indexes and the search rows in line with the serving definitions,
   * and sealing newly private fields.
   */
  override async start(): Promise<void> {
    await super.start();
    this.kekAvailability.start();
    this.searchIndexes.start();
    this.searchReshaper.start();
    this.newlyPrivate.start();
  }

  /** Stops the search index reconciler, the search rebuild and the sealer first (they use the pool). */
  override async close(): Promise<void> {
    await this.searchIndexes.stop();
    await this.searchReshaper.stop();
    await this.newlyPrivate.stop();
    await this.kekAvailability.stop();
    await super.close();
  }
}
