import { createHash } from 'node:crypto';
import type pg from 'pg';
import { ServingDefinitionsPass } from '../background-pass.js';
import { servingVersion } from '../../entity/definition/definition.state.js';
import { searchIndexesOf, type SearchIndexColumn, type SearchIndexSpec } from '../../entity/search/search-indexes.js';
import type { DefinitionRepositoryPort } from '../../use-case/port/definition.repository.port.js';
import { searchFieldExpression } from './search-filter.compiler.js';

/** Names of the indexes this reconciler owns on `entity_search` (nothing else is ever dropped). */
const PREFIX = 'entity_search_ix_';
/** Definition ids are BLAKE3-derived 8-4-4-4-12 hex (not always RFC 4122): checked before inlining. */
const DEFINITION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What one reconciliation did, by index name. */
export interface IndexReconciliation {
  readonly created: readonly string[];
  readonly dropped: readonly string[];
}

/** The expression search compiles a column to (`search-filter.compiler.ts`), so the index applies. */
function expression(column: SearchIndexColumn): string {
  return searchFieldExpression('body', column.path, column.kind === 'string' ? 'text' : 'json');
}

const nameOf = (key: string) => `${PREFIX}${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

/**
 * The indexes one serving definition asks for, by name → its `CREATE INDEX CONCURRENTLY` statement:
 * - per `indexFields` entry a partial btree on its columns' expressions (named by a hash of
 *   `<id>|<expressions>`), serving `eq`, `or`, ranges and `startsWith`;
 * - per string column, when `trigramOpclass` is given (pg_trgm is installed), a partial GIN
 *   trigram index on the same expression (named by a hash of `<id>|gin_trgm_ops|<expression>`),
 *   serving `endsWith` and `contains` (`LIKE '%…'`, `'%…%'`; a pattern with fewer than 3
 *   characters between wildcards gives no trigram to look up, so the planner scans), without a
 *   pending list (`fastupdate = off`). A column in several entries gets one.
 * @param schema the service's schema (inlined, quoted)
 * @param definitionId an 8-4-4-4-12 hex id (inlined: callers check it)
 * @param specs the definition's `searchIndexesOf`
 * @param trigramOpclass the qualified `gin_trgm_ops` operator class (`"registry".gin_trgm_ops`), or
 *   undefined when pg_trgm is not installed: then no trigram index
 */
export function plannedSearchIndexes(
  schema: string,
  definitionId: string,
  specs: readonly SearchIndexSpec[],
  trigramOpclass?: string,
): Map<string, string> {
  const planned = new Map<string, string>();
  const create = (name: string, method: string, elements: string, storage = '') =>
    planned.set(
      name,
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS "${name}" ON "${schema}".entity_search USING ${method} (${elements})${storage} WHERE definition_id = '${definitionId}'`,
    );
  for (const spec of specs) {
    const columns = spec.columns.map(expression).join(', ');
    create(nameOf(`${definitionId}|${columns}`), 'btree', columns);
  }
  if (trigramOpclass) {
    for (const spec of specs) {
      for (const column of spec.columns.filter((c) => c.kind === 'string')) {
        const text = expression(column);
        // fastupdate off: rows go into the index as they are written (by the asynchronous search
        // projection, not in a request), not into a pending list that every search reads whole until
        // a vacuum merges it and that makes the planner prefer a scan meanwhile.
        create(
          nameOf(`${definitionId}|gin_trgm_ops|${text}`),
          'gin',
          `${text} ${trigramOpclass}`,
          ' WITH (fastupdate = off)',
        );
      }
    }
  }
  return planned;
}

/**
 * Keeps the partial expression indexes of the search read model in line with the serving
 * definitions' `_osConfig.indexFields` (ADR 0012): one index per entry and definition, on the
 * expressions search compiles to, `((body #>> '{a,b}') COLLATE "C") WHERE definition_id = '<id>'` for
 * a string (one btree serving eq, ranges and startsWith), `(body #> '{n}')` for a number or boolean,
 * and for each string field a GIN trigram index on the same expression (endsWith, contains) when
 * the pg_trgm extension is installed (the migration creates it where it can; where it is missing
 * the first pass that notices calls `onTrigramUnavailable` once and builds the others; installing
 * it later takes effect at the next activation or restart) — see {@link plannedSearchIndexes};
 * created with `CREATE INDEX CONCURRENTLY` (entities
 * stay writable and searchable while it builds), dropped the same way when no serving version asks
 * for it any more; an index left invalid by an interrupted build is dropped and built again.
 * Replicas take turns (a session advisory lock per schema); the one that runs when a definition is
 * activated builds its indexes, within one interval. Errors go to `onError` and the next pass retries.
 */
export class EntitySearchIndexes extends ServingDefinitionsPass {
  constructor(
    pool: pg.Pool,
    schema: string,
    private readonly definitions: Pick<DefinitionRepositoryPort, 'load'>,
    private readonly options: {
      readonly intervalMs?: number;
      readonly onError?: (error: unknown) => void;
      /** Called once, by the first pass that finds pg_trgm missing (the service logs it). */
      readonly onTrigramUnavailable?: () => void;
    } = {},
  ) {
    super(pool, schema, 'archipelago.registry.search-indexes', options);
  }

  private trigramUnavailableNoted = false;

  protected scheduledPass(): Promise<IndexReconciliation> {
    return this.reconcile(false);
  }

  /**
   * One pass. Skipped (nothing done) while another replica holds the lock, or — unless `force` —
   * when the serving definitions (id and version) are the ones of the last pass.
   */
  async reconcile(force = true): Promise<IndexReconciliation> {
    return this.whenServingChanged<IndexReconciliation>(
      force,
      { created: [], dropped: [] },
      async (client, serving) => {
        const wanted = await this.wantedIndexes(
          serving.map((row) => row.id),
          await this.trigramOpclass(client),
        );
        const { rows: existing } = await client.query<{ name: string; valid: boolean }>(
          `SELECT c.relname AS name, i.indisvalid AS valid
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname LIKE $2`,
          [this.schema, `${PREFIX}%`],
        );
        const created: string[] = [];
        const dropped: string[] = [];
        for (const { name, valid } of existing) {
          if (wanted.has(name) && valid) {
            wanted.delete(name);
            continue;
          }
          // CONCURRENTLY cannot run in a transaction block: each statement on its own.
          await client.query(`DROP INDEX CONCURRENTLY IF EXISTS "${this.schema}"."${name}"`);
          if (!wanted.has(name)) dropped.push(name);
        }
        for (const [name, ddl] of wanted) {
          await client.query(ddl);
          created.push(name);
        }
        return { result: { created, dropped } };
      },
    );
  }

  /** The qualified `gin_trgm_ops` of the installed pg_trgm (whatever schema holds it), or undefined. */
  private async trigramOpclass(client: pg.PoolClient): Promise<string | undefined> {
    const { rows } = await client.query<{ schema: string }>(
      `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`,
    );
    if (rows[0]) return `"${rows[0].schema.replaceAll('"', '""')}".gin_trgm_ops`;
    if (!this.trigramUnavailableNoted) {
      this.trigramUnavailableNoted = true;
      this.options.onTrigramUnavailable?.();
    }
    return undefined;
  }

  /** Index name → its `CREATE INDEX CONCURRENTLY` statement, for every serving definition. */
  private async wantedIndexes(
    definitionIds: readonly string[],
    trigramOpclass: string | undefined,
  ): Promise<Map<string, string>> {
    const wanted = new Map<string, string>();
    for (const id of definitionIds) {
      if (!DEFINITION_ID.test(id)) continue;
      const { state } = await this.definitions.load(id);
      const version = servingVersion(state);
      if (!version) continue;
      for (const [name, ddl] of plannedSearchIndexes(
        this.schema,
        id,
        searchIndexesOf(version.schema),
        trigramOpclass,
      )) {
        wanted.set(name, ddl);
      }
    }
    return wanted;
  }
}
