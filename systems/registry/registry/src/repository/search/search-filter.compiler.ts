import type { SearchCondition, SearchQuery, SearchValue } from '../../entity/search/search-query.js';

/** A parameterised SQL condition: `where` refers to `params` as `$first`, `$first+1`, … */
export interface CompiledSearchFilter {
  readonly where: string;
  readonly params: readonly (string | number | boolean)[];
  /** The number of the next free parameter (for LIMIT/OFFSET or more conditions after these). */
  readonly nextParam: number;
}

/** Options of {@link compileSearchFilter}. */
export interface SearchFilterSqlOptions {
  /** The jsonb column holding the entity body, optionally qualified: `body`, `e.body`. */
  readonly column: string;
  /**
   * Segments in front of every field path: `['Student']` when bodies are stored in Sunbird RC's
   * wrapped form `{ "Student": { … } }` (see DefinitionShape.contentPointer).
   */
  readonly contentPath?: readonly string[];
  /** Number of the first parameter (default 1). */
  readonly firstParam?: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The SQL expression search compares a field with, and the `indexFields` indexes are built on
 * (`entity-search-indexes.ts`), so an index on it applies to the compiled filter:
 * - `text` (string fields): `((body #>> '{a,b}') COLLATE "C")`: text in byte order, which for UTF-8
 *   is Unicode code point order, the same in every database whatever its collation. With that
 *   collation one btree index serves `=`, `IN`, ranges and a `LIKE 'prefix%'` (PostgreSQL turns a
 *   prefix into a range only in the C collation or with `text_pattern_ops`); equality is the same
 *   as in any deterministic collation.
 * - `json` (numbers, booleans, arrays): `(body #> '{a,b}')`, compared as jsonb.
 * The path is written as a text-array literal, which is safe because every segment is a plain
 * identifier (checked here).
 * @param column a column reference, `body` or `e.body`
 * @param path the field's segments in the stored body
 * @throws Error for a column or a segment that is not a plain identifier (a programming error)
 */
export function searchFieldExpression(column: string, path: readonly string[], kind: 'text' | 'json'): string {
  if (!IDENTIFIER.test(column)) throw new Error(`not a column reference: ${JSON.stringify(column)}`);
  for (const segment of path) {
    if (!SEGMENT.test(segment)) throw new Error(`not a searchable path segment: ${JSON.stringify(segment)}`);
  }
  const literal = `'{${path.join(',')}}'`;
  return kind === 'text' ? `((${column} #>> ${literal}) COLLATE "C")` : `(${column} #> ${literal})`;
}

/**
 * Compiles a checked {@link SearchQuery} into a PostgreSQL WHERE condition over a jsonb column.
 * Values are always bound parameters; fields are the expressions of {@link searchFieldExpression}
 * (`(body #>> '{contactDetails,email}') COLLATE "C"`, camelCase kept) so the `indexFields` indexes
 * on the same expressions apply, which is safe because every segment is a plain identifier (checked
 * again here: a path that is not throws, whatever the caller checked).
 *
 * Semantics: string fields compare as text in code point order (`#>>`, collation "C", the same in
 * every database), number and boolean
 * fields as jsonb (`#>`, numbers numerically); `startsWith`/`endsWith`/`contains` are `LIKE` with
 * the value's `%`, `_` and `\` escaped; `neq` and `notContains` match entities without the field;
 * `contains` on an array field means "has the element"; `or` on a field means "equals any of".
 * @throws Error for a column or path segment that is not a plain identifier (a programming error)
 */
export function compileSearchFilter(query: SearchQuery, options: SearchFilterSqlOptions): CompiledSearchFilter {
  if (!IDENTIFIER.test(options.column)) throw new Error(`not a column reference: ${JSON.stringify(options.column)}`);
  const params: (string | number | boolean)[] = [];
  const first = options.firstParam ?? 1;
  const bind = (value: SearchValue) => {
    params.push(value);
    return `$${first + params.length - 1}`;
  };
  const condition = (c: SearchCondition) => compileCondition(c, options.column, options.contentPath ?? [], bind);
  const parts = query.all.map(condition);
  if (query.any.length > 0) {
    const groups = query.any.map((group) => (group.length === 0 ? 'TRUE' : group.map(condition).join(' AND ')));
    parts.push(`(${groups.map((g) => `(${g})`).join(' OR ')})`);
  }
  return { where: parts.length === 0 ? 'TRUE' : parts.join(' AND '), params, nextParam: first + params.length };
}

function compileCondition(
  c: SearchCondition,
  column: string,
  prefix: readonly string[],
  bind: (value: SearchValue) => string,
): string {
  const segments = [...prefix, ...c.path];
  const text = searchFieldExpression(column, segments, 'text');
  const json = searchFieldExpression(column, segments, 'json');
  const [v] = c.values as [SearchValue];
  if (c.kind === 'string[]' || c.kind === 'number[]') {
    const element = `jsonb_build_array(${bind(v)}::${c.kind === 'string[]' ? 'text' : 'numeric'})`;
    return c.op === 'contains' ? `${json} @> ${element}` : `NOT COALESCE(${json} @> ${element}, FALSE)`;
  }
  if (c.kind === 'string') {
    const like = (pattern: string) => bind(pattern);
    switch (c.op) {
      case 'eq':
        return `${text} = ${bind(v)}`;
      case 'neq':
        return `${text} IS DISTINCT FROM ${bind(v)}`;
      case 'gt':
        return `${text} > ${bind(v)}`;
      case 'gte':
        return `${text} >= ${bind(v)}`;
      case 'lt':
        return `${text} < ${bind(v)}`;
      case 'lte':
        return `${text} <= ${bind(v)}`;
      case 'between':
        return `${text} BETWEEN ${bind(c.values[0]!)} AND ${bind(c.values[1]!)}`;
      case 'or':
        return `${text} IN (${c.values.map(bind).join(', ')})`;
      case 'startsWith':
        return `${text} LIKE ${like(`${escapeLike(String(v))}%`)} ESCAPE '\\'`;
      case 'endsWith':
        return `${text} LIKE ${like(`%${escapeLike(String(v))}`)} ESCAPE '\\'`;
      case 'contains':
        return `${text} LIKE ${like(`%${escapeLike(String(v))}%`)} ESCAPE '\\'`;
      case 'notContains':
        return `(${text} IS NULL OR ${text} NOT LIKE ${like(`%${escapeLike(String(v))}%`)} ESCAPE '\\')`;
    }
  }
  const cast = c.kind === 'number' ? 'numeric' : 'boolean';
  const value = (x: SearchValue) => `to_jsonb(${bind(x)}::${cast})`;
  switch (c.op) {
    case 'eq':
      return `${json} = ${value(v)}`;
    case 'neq':
      return `${json} IS DISTINCT FROM ${value(v)}`;
    case 'gt':
      return `${json} > ${value(v)}`;
    case 'gte':
      return `${json} >= ${value(v)}`;
    case 'lt':
      return `${json} < ${value(v)}`;
    case 'lte':
      return `${json} <= ${value(v)}`;
    case 'between':
      return `${json} BETWEEN ${value(c.values[0]!)} AND ${value(c.values[1]!)}`;
    case 'or':
      return `${json} IN (${c.values.map(value).join(', ')})`;
    default:
      throw new Error(`operator ${c.op} does not apply to a ${c.kind} field`);
  }
}

/** Escapes `\`, `%` and `_` for a LIKE pattern with `ESCAPE '\'`. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
