import type {
  PostgresEventStore,
  Projection,
  ProjectionRunner,
  RecordedEvent,
  SqlClient,
} from '@archipelago/platform-event-store';
import type pg from 'pg';
import { discloseEntity, ownerIdentities, pointerDisclosed } from '../entity/registry-entity/field-access.js';
import type { JsonObject } from '../entity/registry-entity/json-merge-patch.js';
import type { RegistryEntityEvent } from '../entity/registry-entity/registry-entity.events.js';
import type { SearchQuery } from '../entity/search/search-query.js';
import type { EntitySearchPage, EntitySearchPort } from '../use-case/port/entity-search.port.js';
import { DefinitionVersions } from './definition-versions.js';
import type { EntityListPage, EntityOwnerFilter, EntitySearchStatus } from '../use-case/port/entity-search.port.js';
import { ownerKeysOf, readerOwnerKeys } from './owner-keys.js';
import { compileSearchFilter } from './search/search-filter.compiler.js';
import type { PrivateFieldSealer, SealedPrivateFields } from './crypto/private-field.sealer.js';
import { isPrivatePath } from '../entity/registry-entity/private-fields.js';

/** Where the projection writes, and how it finds a definition's versions (see {@link EntitySearchProjection.applyTo}). */
export interface EntitySearchTarget {
  /** A quoted, schema-qualified table with `entity_search`'s columns and primary key. */
  readonly table: string;
  readonly versionsOf: (definitionId: string) => Promise<DefinitionVersions>;
}

/**
 * The `entity_search` projection: one row per live entity (jsonb `body`), written in the same
 * transaction as the checkpoint. Each row is derived with the `_osConfig` of its type's serving
 * version (DefinitionVersions.rowShape, recorded in `shaped_by`), whatever version its entity was
 * written under: the body is stored WITHOUT that version's `privateFields` (they never reach
 * search results, and are not kept in plain text here); internal fields are kept and removed at
 * answer time for non-managers. Deleted entities leave the table. Stored events hold bodies without
 * the private fields of the version they were written under (sealed apart); an event is opened by
 * the PrivateFieldSealer only when the serving version shows one of its sealed fields (it made it
 * public) or an owner identity is a private field (owner keys); after crypto-shredding no private
 * value is seen. `owner_keys` indexes the owners `ownershipAttributes` name, hashed (owner-keys.ts),
 * for "my entities". Writes never move a row back to an older entity version, so replaying an
 * entity's events over a row the per-type rebuild (EntitySearchReshaper) already moved ahead is a no-op.
 */
export class EntitySearchProjection implements Projection {
  readonly name = 'entity_search';

  constructor(
    private readonly schema: string,
    private readonly store: PostgresEventStore,
    private readonly sealer: PrivateFieldSealer,
  ) {}

  apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    return this.applyTo(client, recorded, {
      table: `"${this.schema}".entity_search`,
      versionsOf: (definitionId) => DefinitionVersions.read(this.store, client, definitionId),
    });
  }

  /**
   * Writes the effect of one stored event into `target.table` (`entity_search` itself, or the
   * per-type rebuild's staging table), with the definition versions `target.versionsOf` gives.
   * @throws EnvelopeOpenError when a sealed value it must open was altered
   */
  async applyTo(
    client: SqlClient,
    recorded: Pick<RecordedEvent, 'streamId' | 'type' | 'data'>,
    target: EntitySearchTarget,
  ): Promise<void> {
    if (!recorded.streamId.startsWith('entity-')) return;
    // As stored: bodies without their private fields (sealed apart).
    const event = { type: recorded.type, data: recorded.data } as RegistryEntityEvent;
    const { table } = target;
    switch (event.type) {
      case 'EntityCreated':
      case 'EntityInvited':
      case 'EntityUpdated': {
        const { id, definitionId, definitionVersion, body, version, at } = event.data;
        const versions = await target.versionsOf(definitionId);
        const { config, contentPointer, shapedBy, bodyPointer } = versions.rowShape(definitionVersion);
        const shown = pointerDisclosed(config, contentPointer, { purpose: 'search', manager: true });
        const sealed = (recorded.data as { sealed?: SealedPrivateFields }).sealed;
        // The owner's identity may sit in a private field, or the serving version may have made a
        // sealed field public: only then is the event opened (one key lookup and unwrap), so a
        // rebuild of types without either costs no decryption.
        const ownerIsPrivate = config.ownershipAttributes.some((entry) =>
          Object.values(entry).some((path) => typeof path === 'string' && isPrivatePath(path, config)),
        );
        const whole =
          sealed && (ownerIsPrivate || sealed.fields.some(shown))
            ? ((await this.sealer.unsealEvents(client, [recorded])).events[0] as typeof event).data.body
            : body;
        let stored = discloseEntity(whole, config, contentPointer, { purpose: 'search', manager: true });
        // A body written under a version that wrapped it differently: its private fields are where
        // that version put them, so they are taken out there as well.
        if (bodyPointer !== contentPointer)
          stored = discloseEntity(stored, config, bodyPointer, { purpose: 'search', manager: true });
        const owners = ownerKeysOf(ownerIdentities(whole, config, contentPointer));
        const status = event.type === 'EntityInvited' ? 'invited' : 'active';
        await client.query(
          `INSERT INTO ${table} AS t (id, definition_id, status, version, body, updated_at, owner_keys, shaped_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (id) DO UPDATE SET definition_id = $2, version = $4, body = $5, updated_at = $6, owner_keys = $7, shaped_by = $8
           WHERE t.version <= EXCLUDED.version`,
          [id, definitionId, status, version, JSON.stringify(stored), at, owners, shapedBy ?? null],
        );
        return;
      }
      case 'EntityInvitationAccepted':
      case 'EntityDeactivated':
      case 'EntityReactivated':
        await client.query(`UPDATE ${table} SET status = $2, version = $3 WHERE id = $1 AND version < $3`, [
          event.data.id,
          event.type === 'EntityDeactivated' ? 'deactivated' : 'active',
          event.data.version,
        ]);
        return;
      case 'EntityAttestationRecorded':
        // The body is unchanged, but the version moved: search results carry the current ETag version.
        await client.query(`UPDATE ${table} SET version = $2 WHERE id = $1 AND version < $2`, [
          event.data.id,
          event.data.version,
        ]);
        return;
      case 'EntityDeleted':
        await client.query(`DELETE FROM ${table} WHERE id = $1`, [event.data.id]);
        return;
      default:
        return;
    }
  }

  /**
   * Empties the table with DELETE, not TRUNCATE: ProjectionRunner.rebuild runs it and the whole
   * replay in one transaction, and DELETE lets searches keep reading the old rows (MVCC) until that
   * transaction commits, where TRUNCATE's exclusive lock would block them for the whole rebuild.
   */
  async reset(client: SqlClient): Promise<void> {
    await client.query(`DELETE FROM "${this.schema}".entity_search`);
  }
}

/** Searches over `entity_search` with the compiled filter (bound parameters only). */
export class EntitySearchReadModel implements EntitySearchPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    readonly runner: ProjectionRunner,
  ) {}

  async search(definitionId: string, query: SearchQuery, contentPath: readonly string[]): Promise<EntitySearchPage> {
    const { where, params, nextParam } = compileSearchFilter(query, { column: 'e.body', contentPath, firstParam: 2 });
    const { rows } = await this.pool.query<{
      id: string;
      status: EntitySearchStatus;
      version: number;
      body: JsonObject;
      total: string;
    }>(
      `SELECT e.id, e.status, e.version, e.body, count(*) OVER () AS total
         FROM "${this.schema}".entity_search e
        WHERE e.definition_id = $1 AND (${where})
        ORDER BY e.id
        LIMIT $${nextParam} OFFSET $${nextParam + 1}`,
      [definitionId, ...params, query.limit, query.offset],
    );
    return {
      totalCount: rows.length > 0 ? Number(rows[0]!.total) : 0,
      items: rows.map((r) => ({ id: r.id, status: r.status, version: r.version, body: r.body })),
    };
  }

  async list(definitionId: string, owner: EntityOwnerFilter, limit: number, offset: number): Promise<EntityListPage> {
    const keys = owner === 'all' ? null : readerOwnerKeys(owner);
    const { rows } = await this.pool.query<{ id: string; total: string }>(
      `SELECT e.id, count(*) OVER () AS total
         FROM "${this.schema}".entity_search e
        WHERE e.definition_id = $1 AND ($2::text[] IS NULL OR e.owner_keys && $2::text[])
        ORDER BY e.id
        LIMIT $3 OFFSET $4`,
      [definitionId, keys, limit, offset],
    );
    return { totalCount: rows.length > 0 ? Number(rows[0]!.total) : 0, ids: rows.map((r) => r.id) };
  }
}
