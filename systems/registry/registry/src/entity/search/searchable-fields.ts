import type { DefinitionDocument, DefinitionReferences } from '../definition/definition-schema.js';
import { osConfigOf } from '../definition/definition-schema.js';
import { findReference, parseFieldPath, pointerGet, sunbirdWrapper } from '../definition/os-config.js';

/** What a searchable field holds, which decides the operators it accepts and how values compare. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'string[]' | 'number[]';

/** Searchable fields of a type: dotted path (camelCase kept) → kind. */
export type SearchableFields = ReadonlyMap<string, FieldKind>;

/**
 * Only these names are searchable: the path is written into SQL as a literal (so expression indexes
 * apply), so a name that could break out of it is never a field, whatever the schema says.
 */
const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_DEPTH = 8;

/**
 * The fields of a definition that search may filter on: every leaf property of the entity content
 * (through `$ref`, `allOf`, nested objects) with a scalar type or an array of scalars, by dotted path.
 * Never `privateFields` (encrypted at rest, and a filter would reveal them by elimination); never
 * `internalFields` unless `includeInternal` (the caller manages the type). Untyped leaves are strings.
 */
export function searchableFields(
  document: DefinitionDocument,
  options: { readonly includeInternal?: boolean; readonly references?: DefinitionReferences } = {},
): SearchableFields {
  const config = osConfigOf(document);
  const hidden = [...config.privateFields, ...(options.includeInternal ? [] : config.internalFields)]
    .map((path) =>
      parseFieldPath(path)
        ?.filter((segment) => segment !== '*')
        .join('.'),
    )
    .filter((path): path is string => path !== undefined);
  const isHidden = (path: string) => hidden.some((h) => path === h || path.startsWith(`${h}.`));
  const fields = new Map<string, FieldKind>();
  const references = options.references ?? {};

  const resolve = (
    schema: unknown,
    root: DefinitionDocument,
    depth = 0,
  ): [Record<string, unknown>, DefinitionDocument] | undefined => {
    if (!isObject(schema) || depth > MAX_DEPTH) return undefined;
    const ref = schema['$ref'];
    if (typeof ref !== 'string') return [schema, root];
    const cross = /^([^#]+?)\.json\/?#(.*)$/.exec(ref);
    const target = cross ? findReference(references, cross[1]!) : root;
    const pointer = cross ? cross[2]! : ref.startsWith('#') ? ref.slice(1) : undefined;
    if (!target || pointer === undefined) return undefined;
    return resolve(pointerGet(target, pointer), target, depth + 1);
  };
  const kindOf = (schema: Record<string, unknown>, root: DefinitionDocument): FieldKind | 'object' | undefined => {
    const type = schema['type'];
    if (type === 'object' || (type === undefined && isObject(schema['properties']))) return 'object';
    if (type === 'string' || type === undefined) return 'string';
    if (type === 'number' || type === 'integer') return 'number';
    if (type === 'boolean') return 'boolean';
    if (type === 'array') {
      const items = resolve(schema['items'], root);
      const itemKind = items ? kindOf(items[0], items[1]) : undefined;
      return itemKind === 'string' ? 'string[]' : itemKind === 'number' ? 'number[]' : undefined;
    }
    return undefined;
  };
  const walk = (schema: unknown, root: DefinitionDocument, path: string[], depth: number): void => {
    const resolved = resolve(schema, root);
    if (!resolved || depth > MAX_DEPTH) return;
    const [node, nodeRoot] = resolved;
    for (const branch of Array.isArray(node['allOf']) ? node['allOf'] : []) walk(branch, nodeRoot, path, depth + 1);
    const kind = kindOf(node, nodeRoot);
    if (kind === 'object') {
      const properties = node['properties'];
      if (!isObject(properties)) return;
      for (const [name, child] of Object.entries(properties)) {
        if (SAFE_NAME.test(name)) walk(child, nodeRoot, [...path, name], depth + 1);
      }
    } else if (kind && path.length > 0) {
      const dotted = path.join('.');
      if (!isHidden(dotted)) fields.set(dotted, kind);
    }
  };
  walk(entityContent(document), document, [], 0);
  return fields;
}

function entityContent(document: DefinitionDocument): unknown {
  return sunbirdWrapper(document)?.schema ?? document;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
