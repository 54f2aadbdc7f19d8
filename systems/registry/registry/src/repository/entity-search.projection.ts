import type {
  PostgresEventStore,
  Projection,
  ProjectionRunner,
  RecordedEvent,
  SqlClient,
} from '@archipelago/platform-event-store';
import type pg from 'pg';
import { discloseEntity, ownerIdentities } from '../entity/registry-entity/field-access.js';
import type { JsonObject } from '../entity/registry-entity/json-merge-patch.js';
import type { RegistryEntityEvent } from '../entity/registry-entity/registry-entity.events.js';
import type { SearchQuery } from '../entity/search/search-query.js';
import type { EntitySearchPage, EntitySearchPort } from '../use-case/port/entity-search.port.js';
import { DefinitionVersions } from './definition-versions.js';
import type { EntityListPage, EntityOwnerFilter } from '../use-case/port/entity-search.port.js';
import { ownerKeysOf, readerOwnerKeys } from './owner-keys.js';
import { compileSearchFilter } from './search/search-filter.compiler.js';
import type { PrivateFieldSealer } from './crypto/private-field.sealer.js';
import { isPrivatePath } from '../entity/registry-entity/private-fields.js';

/**
 * The `entity_search` projection: one row per live entity (jsonb `body`), written in the same
 * transaction as the checkpoint. The body is stored WITHOUT `privateFields` (they never reach
 * search results, and are not kept in plain text here); internal fields are kept and removed at
 * answer time for non-managers. Deleted entities leave the table. Stored events already hold
 * bodies without private fields; an event is opened by the PrivateFieldSealer only when an owner
 * identity is a private field (owner keys); after crypto-shredding a rebuild sees no private value. `owner_keys` indexes the owners
 * `ownershipAttributes` name, hashed (see owner-keys.ts), for "my entities".
 */
export class EntitySearchProjection implements Projection {
  readonly name = 'entity_search';

  constructor(
    private readonly schema: string,
    private readonly store: PostgresEventStore,
    private readonly sealer: PrivateFieldSealer,
  ) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    if (!recorded.streamId.startsWith('entity-')) return;
    // As stored: bodies without their private fields (sealed apart), which is all this table keeps.
    const event = { type: recorded.type, data: recorded.data } as RegistryEntityEvent;
    const table = `"${this.schema}".entity_search`;
    switch (event.type) {
      case 'EntityCreated':
      case 'EntityInvited':
      case 'EntityUpdated': {
        const { id, definitionId, definitionVersion, body, version, at } = event.data;
        // The version's `_osConfig` with the active version's privateFields added: a field made
        // private later never reaches this table, also when an earlier event is replayed.
        const versions = await DefinitionVersions.read(this.store, client, definitionId);
        const { config, contentPointer } = versions.shapeOf(definitionVersion);
        const stored = discloseEntity(body, config, contentPointer, { purpose: 'search', manager: true });
        // The owner's identity may sit in a private field: only then is the event opened (one key
        // lookup and unwrap), so a rebuild of types without private owners costs no decryption.
        const ownerIsPrivate = config.ownershipAttributes.some((entry) =>
          Object.values(entry).some((path) => typeof path === 'string' && isPrivatePath(path, config)),
        );
        const whole =
          ownerIsPrivate && Object.hasOwn(recorded.data as object, 'sealed')
            ? ((await this.sealer.unsealEvents(client, [recorded])).events[0] as typeof event).data.body
            : body;
        const owners = ownerKeysOf(ownerIdentities(whole, config, contentPointer));
        const status = event.type === 'EntityInvited' ? 'invited' : 'active';
        await client.query(
          `INSERT INTO ${table} (id, definition_id, status, version, body, updated_at, owner_keys)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (id) DO UPDATE SET definition_id = $2, version = $4, body = $5, updated_at = $6, owner_keys = $7`,
          [id, definitionId, status, version, JSON.stringify(stored), at, owners],
        );
        return;
      }
      case 'EntityInvitationAccepted':
      case 'EntityDeactivated':
      case 'EntityReactivated':
        await client.query(`UPDATE ${table} SET status = $2, version = $3 WHERE id = $1`, [
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

  async reset(client: SqlClient): Promise<void> {
    await client.query(`TRUNCATE "${this.schema}".entity_search`);
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
    const { rows } = await this.pool.query<{ id: string; version: number; body: JsonObject; total: string }>(
      `SELECT e.id, e.version, e.body, count(*) OVER () AS total
         FROM "${this.schema}".entity_search e
        WHERE e.definition_id = $1 AND e.status <> 'deactivated' AND (${where})
        ORDER BY e.id
        LIMIT $${nextParam} OFFSET $${nextParam + 1}`,
      [definitionId, ...params, query.limit, query.offset],
    );
    return {
      totalCount: rows.length > 0 ? Number(rows[0]!.total) : 0,
      items: rows.map((r) => ({ id: r.id, version: r.version, body: r.body })),
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
