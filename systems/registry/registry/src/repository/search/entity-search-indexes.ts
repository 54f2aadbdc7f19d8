import { createHash } from 'node:crypto';
import type pg from 'pg';
import { ServingDefinitionsPass } from '../background-pass.js';
import { servingVersion } from '../../entity/definition/definition.state.js';
import { searchIndexesOf, type SearchIndexColumn } from '../../entity/search/search-indexes.js';
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

/**
 * Keeps the partial expression indexes of the search read model in line with the serving
 * definitions' `_osConfig.indexFields` (ADR 0012): one index per entry and definition, on the
 * expressions search compiles to, `((body #>> '{a,b}') COLLATE "C") WHERE definition_id = '<id>'` for
 * a string (one btree serving eq, ranges and startsWith), `(body #> '{n}')` for a number or boolean,
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
    options: { readonly intervalMs?: number; readonly onError?: (error: unknown) => void } = {},
  ) {
    super(pool, schema, 'archipelago.registry.search-indexes', options);
  }

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
        const wanted = await this.wantedIndexes(serving.map((row) => row.id));
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

  /** Index name → its `CREATE INDEX CONCURRENTLY` statement, for every serving definition. */
  private async wantedIndexes(definitionIds: readonly string[]): Promise<Map<string, string>> {
    const wanted = new Map<string, string>();
    for (const id of definitionIds) {
      if (!DEFINITION_ID.test(id)) continue;
      const { state } = await this.definitions.load(id);
      const version = servingVersion(state);
      if (!version) continue;
      for (const spec of searchIndexesOf(version.schema)) {
        const columns = spec.columns.map(expression).join(', ');
        const name = `${PREFIX}${createHash('sha256').update(`${id}|${columns}`).digest('hex').slice(0, 24)}`;
        wanted.set(
          name,
          `CREATE INDEX CONCURRENTLY IF NOT EXISTS "${name}" ON "${this.schema}".entity_search (${columns}) WHERE definition_id = '${id}'`,
        );
      }
    }
    return wanted;
  }
}
