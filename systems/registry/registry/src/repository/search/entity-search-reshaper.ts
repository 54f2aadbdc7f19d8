import type { PostgresEventStore } from '@archipelago/platform-event-store';
import type pg from 'pg';
import { ServingDefinitionsPass } from '../background-pass.js';
import { DefinitionVersions } from '../definition-versions.js';
import type { EntitySearchProjection } from '../entity-search.projection.js';

/** What one type's rebuild did (logged as `entity search rebuilt`). */
export interface EntitySearchReshape {
  readonly definitionId: string;
  /** The serving version the rows were derived with (`entity_search.shaped_by`). */
  readonly servingVersion: number;
  /** Rows derived into the staging table. */
  readonly staged: number;
  /** Rows replaced by the swap (a row the projection had moved past meanwhile is kept). */
  readonly swapped: number;
}

const STAGING = 'pg_temp.entity_search_staging';
const LOCK = 'archipelago.registry.search-reshape';

/**
 * The per-type rebuild of the `entity_search` read model (issue 14 §4, ADR 0012): when a version of
 * a definition starts serving (DefActivated, seen through `definition_list.active_version`), the
 * type's rows derived with another version (`shaped_by`) are derived again from their entities'
 * streams with the serving version's `_osConfig` (EntitySearchProjection.applyTo, which unseals the
 * values the new version made public) into a session temporary table, a batch of entities per
 * transaction, then swapped into `entity_search` by one UPDATE in one transaction. Searches keep
 * answering from the old rows until that commit, and from the new ones after: never an empty or
 * half-rebuilt type.
 *
 * Events that arrive meanwhile: the projection keeps running and derives rows with the serving
 * version already; the swap holds the projection's checkpoint row (so no batch interleaves) and
 * replaces only rows at an entity version no newer than the staged one and not yet shaped by the
 * serving version; the projection never moves a row back to an older entity version, so replaying
 * events the staging already includes changes nothing. Rows that still differ after the swap (a
 * projection batch that read the definition just before the activation committed) are taken by
 * another round, at most three per pass, then by the next pass.
 *
 * Runs like the index reconciler: a pass at {@link start} and every `intervalMs` (default 10 s)
 * when the serving definitions changed or the last pass left rows behind; replicas take turns (a
 * session advisory lock per schema). `main.js rebuild-entity-search [type]` runs {@link rebuild}.
 */
export class EntitySearchReshaper extends ServingDefinitionsPass {
  constructor(
    pool: pg.Pool,
    schema: string,
    private readonly store: PostgresEventStore,
    private readonly projection: EntitySearchProjection,
    private readonly options: {
      readonly intervalMs?: number;
      /** Entities derived per staging transaction (default 200). */
      readonly batchSize?: number;
      readonly onError?: (error: unknown) => void;
      /** Called for each type whose rows were rebuilt. */
      readonly onReshaped?: (reshape: EntitySearchReshape) => void;
      /** Called after each staging batch (tests use it to search while a rebuild runs). */
      readonly onBatch?: (staged: number) => Promise<void>;
    } = {},
  ) {
    super(pool, schema, LOCK, options);
  }

  protected scheduledPass(): Promise<EntitySearchReshape[]> {
    return this.pass(false);
  }

  /**
   * One pass over the serving definitions: rebuilds each type that has rows shaped by another
   * version. Skipped (returns `[]`) while another replica holds the lock, or — unless `force` — when
   * the serving definitions are those of the last pass and it left nothing behind.
   */
  async pass(force = true): Promise<EntitySearchReshape[]> {
    return this.whenServingChanged<EntitySearchReshape[]>(force, [], async (client, serving) => {
      const reshapes: EntitySearchReshape[] = [];
      let complete = true;
      for (const { id } of serving) {
        const result = await this.reshape(client, id, false);
        if (!result) continue;
        if (result.reshape.staged > 0) {
          reshapes.push(result.reshape);
          this.options.onReshaped?.(result.reshape);
        }
        complete &&= result.complete;
      }
      return { result: reshapes, complete };
    });
  }

  /**
   * Rebuilds every row of one type (or of every serving type) with its serving version, whatever
   * version they were shaped by (the maintenance command). Waits for a pass in progress elsewhere.
   * @returns what was rebuilt, per type (none for a type that never served)
   */
  async rebuild(definitionId?: string): Promise<EntitySearchReshape[]> {
    const ids = definitionId ? [definitionId] : (await this.servingDefinitions()).map((row) => row.id);
    const client = await this.pool.connect();
    try {
      await client.query(`SELECT pg_advisory_lock(hashtext($1), hashtext($2))`, [LOCK, this.schema]);
      try {
        const reshapes: EntitySearchReshape[] = [];
        for (const id of ids) {
          const result = await this.reshape(client, id, true);
          if (result) reshapes.push(result.reshape);
        }
        return reshapes;
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtext($1), hashtext($2))`, [LOCK, this.schema]);
      }
    } finally {
      client.release();
    }
  }

  /**
   * Up to three rounds of stage-and-swap for one type on `client`; `all`: every row of the type in
   * the first round, not only those shaped by another version.
   */
  private async reshape(
    client: pg.PoolClient,
    definitionId: string,
    all: boolean,
  ): Promise<{ reshape: EntitySearchReshape; complete: boolean } | undefined> {
    const versions = await DefinitionVersions.read(this.store, client, definitionId);
    if (!versions.active) return undefined;
    const servingVersion = versions.active.version;
    let staged = 0;
    let swapped = 0;
    for (let round = 0; round < 3; round++) {
      const result = await this.stageAndSwap(client, definitionId, versions, round === 0 && all);
      staged += result.staged;
      swapped += result.swapped;
      if (result.staged === 0) return { reshape: { definitionId, servingVersion, staged, swapped }, complete: true };
    }
    const left = await this.staleIds(client, definitionId, servingVersion, '', 1);
    return { reshape: { definitionId, servingVersion, staged, swapped }, complete: left.length === 0 };
  }

  private async stageAndSwap(
    client: pg.PoolClient,
    definitionId: string,
    versions: DefinitionVersions,
    all: boolean,
  ): Promise<{ staged: number; swapped: number }> {
    const servingVersion = versions.active!.version;
    const live = `"${this.schema}".entity_search`;
    await client.query(`DROP TABLE IF EXISTS ${STAGING}`);
    await client.query(`CREATE TEMP TABLE entity_search_staging (LIKE ${live} INCLUDING DEFAULTS, PRIMARY KEY (id))`);
    try {
      const batchSize = this.options.batchSize ?? 200;
      const target = {
        table: STAGING,
        versionsOf: async (id: string) =>
          id === definitionId ? versions : DefinitionVersions.read(this.store, client, id),
      };
      let staged = 0;
      let after = '';
      for (;;) {
        const ids = all
          ? await this.allIds(client, definitionId, after, batchSize)
          : await this.staleIds(client, definitionId, servingVersion, after, batchSize);
        if (ids.length === 0) break;
        await client.query('BEGIN');
        try {
          for (const id of ids)
            for (const event of await this.store.readStream(client, `entity-${id}`))
              await this.projection.applyTo(client, event, target);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        staged += ids.length;
        after = ids[ids.length - 1]!;
        await this.options.onBatch?.(staged);
      }
      if (staged === 0) return { staged, swapped: 0 };
      await client.query('BEGIN');
      try {
        // The projection's checkpoint row: no projection batch commits between the check and the swap.
        await client.query(`SELECT 1 FROM "${this.schema}".projection_checkpoints WHERE projection = $1 FOR UPDATE`, [
          this.projection.name,
        ]);
        const { rowCount } = await client.query(
          `UPDATE ${live} e
              SET status = s.status, version = s.version, body = s.body, updated_at = s.updated_at,
                  owner_keys = s.owner_keys, shaped_by = s.shaped_by
             FROM ${STAGING} s
            WHERE e.id = s.id AND e.definition_id = $1 AND e.version <= s.version
              AND (e.shaped_by IS DISTINCT FROM s.shaped_by OR $2::boolean)`,
          [definitionId, all],
        );
        await client.query('COMMIT');
        return { staged, swapped: rowCount ?? 0 };
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    } finally {
      await client.query(`DROP TABLE IF EXISTS ${STAGING}`);
    }
  }

  /** Ids of the type's rows not shaped by `servingVersion`, after `after` in id order. */
  private async staleIds(
    client: pg.PoolClient,
    definitionId: string,
    servingVersion: number,
    after: string,
    limit: number,
  ): Promise<string[]> {
    // Three index ranges of (definition_id, shaped_by, id) rather than IS DISTINCT FROM, which no index serves.
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM "${this.schema}".entity_search
        WHERE definition_id = $1 AND (shaped_by IS NULL OR shaped_by < $2 OR shaped_by > $2)
          AND ($3 = '' OR id > $3::uuid)
        ORDER BY id LIMIT $4`,
      [definitionId, servingVersion, after, limit],
    );
    return rows.map((row) => row.id);
  }

  private async allIds(client: pg.PoolClient, definitionId: string, after: string, limit: number): Promise<string[]> {
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM "${this.schema}".entity_search
        WHERE definition_id = $1 AND ($2 = '' OR id > $2::uuid) ORDER BY id LIMIT $3`,
      [definitionId, after, limit],
    );
    return rows.map((row) => row.id);
  }
}
