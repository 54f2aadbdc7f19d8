/**
 * Bulk import of entities (issue 14 §3, `POST /registry/v1/entity/{type}/import`): turning one row
 * of a CSV file into an entity body, by the type's JSON Schema. Pure; parsing the file itself is the
 * handler's (CSV, RFC 4180, and NDJSON).
 */

import { DomainError } from '@archipelago/util-decider';

/** Largest number of rows one import request may carry (more: split the file). */
export const MAX_IMPORT_ROWS = 1000;

/** A problem with one field of a row, by JSON Pointer into the entity body (RFC 6901). */
export interface ImportFieldIssue {
  readonly pointer: string;
  readonly message: string;
}

type SchemaNode = { readonly [key: string]: unknown };

const isNode = (value: unknown): value is SchemaNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Follows a local `$ref` (`#/definitions/X`, `#/$defs/X`) inside `root`; other refs are not followed. */
function resolve(node: SchemaNode, root: SchemaNode): SchemaNode {
  let current = node;
  for (let hops = 0; hops < 16 && typeof current.$ref === 'string' && current.$ref.startsWith('#/'); hops++) {
    let target: unknown = root;
    for (const part of current.$ref.slice(2).split('/')) {
      const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isNode(target) ? target[key] : undefined;
    }
    if (!isNode(target)) return current;
    current = target;
  }
  return current;
}

/** The JSON type the schema gives the property at `path` (dotted, from the top), if it says one. */
function typeAt(root: SchemaNode, path: readonly string[]): string | undefined {
  let node: SchemaNode | undefined = resolve(root, root);
  for (const name of path) {
    const properties: unknown = node?.properties;
    const next: unknown = isNode(properties) ? properties[name] : undefined;
    node = isNode(next) ? resolve(next, root) : undefined;
    if (!node) return undefined;
  }
  const type = node?.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t): t is string => typeof t === 'string' && t !== 'null');
  return undefined;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * One cell as the JSON value the schema expects there: `integer`/`number` from a decimal literal,
 * `boolean` from `true`/`false` (any case), `array`/`object` from a JSON literal, anything else as
 * the string itself. A cell that does not read as its type stays a string, so the type's validator
 * names the field (the row's 400-like result), never a silent wrong value.
 */
export function cellValue(cell: string, type: string | undefined): unknown {
  switch (type) {
    case 'integer':
    case 'number':
      return NUMBER.test(cell.trim()) ? Number(cell.trim()) : cell;
    case 'boolean': {
      const lower = cell.trim().toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : cell;
    }
    case 'array':
    case 'object':
      try {
        return JSON.parse(cell);
      } catch {
        return cell;
      }
    default:
      return cell;
  }
}

/**
 * Problems with a CSV header: every column names a field by a dotted path (`address.city` for a
 * nested object), none twice, and no column is both a value and an object (`a` and `a.b`).
 * @returns one message per problem (empty when the header is usable)
 */
export function headerProblems(header: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  header.forEach((column, index) => {
    const name = column.trim();
    if (!name || name.split('.').some((part) => part === '')) problems.push(`column ${index + 1} has no field name`);
    else if (seen.has(name)) problems.push(`column "${name}" appears twice`);
    seen.add(name);
  });
  for (const name of seen) {
    if ([...seen].some((other) => other.startsWith(`${name}.`)))
      problems.push(`column "${name}" is both a value and an object (another column names "${name}.…")`);
  }
  return problems;
}

/**
 * The entity body of one CSV row: each non-empty cell at its column's dotted path, typed by the
 * schema ({@link cellValue}); an empty cell leaves the field out (so `required` names it).
 * @param header column names, checked with {@link headerProblems} first
 * @param cells the row's cells; more cells than columns is an issue at the row (`""` pointer)
 * @returns the body, or the issues that make the row unreadable before validation
 */
export function csvRowToBody(
  header: readonly string[],
  cells: readonly string[],
  schema: SchemaNode,
): { readonly body: Record<string, unknown> } | { readonly issues: readonly ImportFieldIssue[] } {
  if (cells.length > header.length)
    return {
      issues: [
        { pointer: '', message: `the row has ${cells.length} cells; the header names ${header.length} columns` },
      ],
    };
  const body: Record<string, unknown> = {};
  header.forEach((column, index) => {
    const cell = cells[index];
    if (cell === undefined || cell === '') return;
    const path = column.trim().split('.');
    let target = body;
    for (const part of path.slice(0, -1)) {
      const next = target[part];
      target = (isNode(next) ? next : (target[part] = {})) as Record<string, unknown>;
    }
    target[path.at(-1)!] = cellValue(cell, typeAt(schema, path));
  });
  return { body };
}

/** The file has no data row (400). */
export class ImportEmptyError extends DomainError {
  readonly code = 'ENTITY.IMPORT_EMPTY';
  constructor() {
    super('the file has no rows to import');
  }
}

/** The file has more rows than {@link MAX_IMPORT_ROWS} (413): nothing was imported. */
export class ImportTooLargeError extends DomainError {
  readonly code = 'ENTITY.IMPORT_TOO_LARGE';
  constructor(readonly rows: number) {
    super(`the file has ${rows} rows; at most ${MAX_IMPORT_ROWS} per request (split it)`, {
      rows,
      max: MAX_IMPORT_ROWS,
    });
  }
}

/** The file cannot be read as its media type says (CSV syntax, a bad header) (400): nothing was imported. */
export class ImportUnreadableError extends DomainError {
  readonly code = 'ENTITY.IMPORT_UNREADABLE';
  constructor(readonly problems: readonly string[]) {
    super(`the file cannot be imported: ${problems.join('; ')}`, { problems });
  }
}
