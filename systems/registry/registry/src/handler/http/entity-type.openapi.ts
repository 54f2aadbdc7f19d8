import type { FieldKind } from '../../entity/search/searchable-fields.js';
import { MAX_LIMIT, OPERATORS_BY_KIND } from '../../entity/search/search-query.js';
import type { EntityTypeDescription } from '../../use-case/describe-entity-type/describe-entity-type.use-case.js';

/** An OpenAPI 3.1 document, as JSON. */
export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> } & Record<string, unknown>;
};

/** The path template of the entity operations in the service's document. */
export const ENTITY_PATH = '/registry/v1/entity/{type}';
/** The per-type document's own path, relative to {@link ENTITY_PATH}. */
export const ENTITY_TYPE_DOCUMENT_SUFFIX = '/openapi.json';

/**
 * The service's own OpenAPI document, kept by `rememberServiceDocument` (main.ts passes it as the
 * `refine` step of the document's build): the per-type documents are derived from it, so their
 * operations answer exactly what the service's handlers declare.
 */
let serviceDocument: OpenApiDocument | undefined;

/** Keeps the service's OpenAPI document (an `OpenApiOptions.refine` step). */
export function rememberServiceDocument(document: object): void {
  serviceDocument = document as OpenApiDocument;
}

/** The document kept by {@link rememberServiceDocument}. @throws Error when none was built */
export function rememberedServiceDocument(): OpenApiDocument {
  if (!serviceDocument) throw new Error('the OpenAPI document was not built (refine: rememberServiceDocument)');
  return serviceDocument;
}

/** JSON strings our storage can hold: PostgreSQL `text` and `jsonb` refuse U+0000 (a 400 for every service). */
const STORABLE_STRING = '^[^\\u0000]*$';
const storableJsonName = 'StorableJson';
const storableJson = {
  description: 'Any JSON value whose strings (and member names) hold no U+0000',
  anyOf: [
    { type: 'null' },
    { type: 'boolean' },
    { type: 'number' },
    { type: 'string', pattern: STORABLE_STRING },
    { type: 'array', items: { $ref: `#/components/schemas/${storableJsonName}` } },
    {
      type: 'object',
      propertyNames: { pattern: STORABLE_STRING },
      additionalProperties: { $ref: `#/components/schemas/${storableJsonName}` },
    },
  ],
};

/** A component name for `type` (OpenAPI: `^[a-zA-Z0-9.\-_]+$`). */
const componentName = (type: string, part: string) => `${type.replace(/[^A-Za-z0-9._-]/g, '_')}${part}`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A definition's JSON Schema as an OpenAPI 3.1 component (JSON Schema 2020-12) at
 * `#/components/schemas/<name>`: `_osConfig`, `$schema` and `$id` dropped; local `$ref`s (`#/…`)
 * re-rooted at the component, cross-document ones (`Common.json#/…`) pointed at the component of
 * that definition (`refName(stem)`); draft-07 tuple `items` written as 2020-12 `prefixItems`; and
 * the storage rule every service applies made explicit: strings and member names hold no U+0000
 * (also in members the schema leaves open, which take any storable JSON value).
 */
export function definitionAsComponent(
  schema: Readonly<Record<string, unknown>>,
  name: string,
  refName: (stem: string) => string,
): Record<string, unknown> {
  const draft07 = typeof schema['$schema'] === 'string' && schema['$schema'].includes('draft-07');
  const convert = (node: unknown, top: boolean): unknown => {
    if (Array.isArray(node)) return node.map((child) => convert(child, false));
    if (!isObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (top && (key === '_osConfig' || key === '$schema' || key === '$id')) continue;
      if (key === '$ref' && typeof value === 'string') {
        const cross = /^([^#]+?)\.json\/?#(.*)$/.exec(value);
        out[key] = cross
          ? `#/components/schemas/${refName(cross[1]!)}${cross[2]}`
          : value.startsWith('#')
            ? `#/components/schemas/${name}${value.slice(1)}`
            : value;
      } else if (key === 'properties' || key === 'definitions' || key === '$defs' || key === 'patternProperties') {
        // Maps of names to schemas: the names are not keywords.
        out[key] = isObject(value)
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, false)]))
          : value;
      } else if (key === 'enum' || key === 'const' || key === 'examples' || key === 'default' || key === 'required') {
        out[key] = value;
      } else {
        out[key] = convert(value, false);
      }
    }
    if (draft07 && Array.isArray(out['items'])) {
      out['prefixItems'] = out['items'];
      if ('additionalItems' in out) out['items'] = out['additionalItems'];
      else delete out['items'];
      delete out['additionalItems'];
    }
    const types = Array.isArray(out['type']) ? out['type'] : [out['type']];
    if (types.includes('string') && typeof out['const'] !== 'string' && !Array.isArray(out['enum'])) {
      if (out['pattern'] === undefined) out['pattern'] = STORABLE_STRING;
      else out['allOf'] = [...(Array.isArray(out['allOf']) ? out['allOf'] : []), { pattern: STORABLE_STRING }];
    }
    if (types.includes('object') || (out['type'] === undefined && isObject(out['properties']))) {
      out['propertyNames'] ??= { pattern: STORABLE_STRING };
      out['additionalProperties'] ??= { $ref: `#/components/schemas/${storableJsonName}` };
    }
    return out;
  };
  return convert(schema, true) as Record<string, unknown>;
}

/** The JSON Schema of one search filter value for a field of `kind` and operator `op` (see parseSearchQuery). */
function searchValueSchema(kind: FieldKind, op: string): Record<string, unknown> {
  const scalar: Record<string, unknown> =
    kind === 'string' || kind === 'string[]'
      ? { type: 'string', pattern: STORABLE_STRING }
      : kind === 'boolean'
        ? { type: 'boolean' }
        : { type: 'number' };
  if (op === 'between') return { type: 'array', items: scalar, minItems: 2, maxItems: 2 };
  if (op === 'or') return { type: 'array', items: scalar, minItems: 1, maxItems: 100 };
  return scalar;
}

/** The search request body of a type: only its searchable fields, each with the operators its kind takes. */
export function searchBodySchema(fields: ReadonlyMap<string, FieldKind>, filtersRef: string): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      filters: { $ref: filtersRef },
      or: { type: 'array', minItems: 1, items: { $ref: filtersRef } },
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_LIMIT,
        description: `Page size (default 20, at most ${MAX_LIMIT})`,
      },
      offset: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    },
  };
}

function searchFiltersSchema(fields: ReadonlyMap<string, FieldKind>): Record<string, unknown> {
  return {
    type: 'object',
    description: 'Conditions that must all hold, by dotted field path',
    additionalProperties: false,
    properties: Object.fromEntries(
      [...fields].map(([field, kind]) => [
        field,
        {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: Object.fromEntries(OPERATORS_BY_KIND[kind].map((op) => [op, searchValueSchema(kind, op)])),
        },
      ]),
    ),
  };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const EXCLUDED_SUFFIXES = [ENTITY_TYPE_DOCUMENT_SUFFIX, '/{id}/attestations', '/import'];

/**
 * The OpenAPI 3.1 document of one entity type (`GET /registry/v1/entity/{type}/openapi.json`): the
 * entity operations of the service's document with `{type}` fixed to the type, and the request
 * bodies the type accepts now — create, invite and replace take the serving version's JSON Schema,
 * search takes exactly the type's searchable fields and their operators, a merge patch (RFC 7396)
 * any object of storable JSON (whether the merged entity is valid depends on the entity). The
 * answers are the service document's own.
 */
export function entityTypeOpenApiDocument(service: OpenApiDocument, type: EntityTypeDescription): OpenApiDocument {
  const entityName = componentName(type.type, 'Entity');
  const refName = (stem: string) => componentName(type.type, `Entity.${stem.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  const searchName = componentName(type.type, 'Search');
  const filtersName = componentName(type.type, 'SearchFilters');
  const patchName = componentName(type.type, 'MergePatch');
  const schemas: Record<string, unknown> = {
    ...service.components?.schemas,
    [storableJsonName]: storableJson,
    [entityName]: {
      ...definitionAsComponent(type.schema, entityName, refName),
      title: type.type,
      description: `An entity of type ${type.type}: definition ${type.definitionId}, version ${type.definitionVersion}`,
    },
    [patchName]: {
      type: 'object',
      description: `A JSON Merge Patch (RFC 7396) of a ${type.type}: null removes a member; the merged entity is validated against the type's schema (400 by field when it does not conform)`,
      propertyNames: { pattern: STORABLE_STRING },
      additionalProperties: { $ref: `#/components/schemas/${storableJsonName}` },
    },
    [searchName]: searchBodySchema(type.searchable, `#/components/schemas/${filtersName}`),
    [filtersName]: searchFiltersSchema(type.searchable),
  };
  for (const [stem, document] of Object.entries(type.references)) {
    schemas[refName(stem)] = definitionAsComponent(document, refName(stem), refName);
  }
  const bodyFor = (suffix: string, method: string): string | undefined => {
    if ((method === 'post' && (suffix === '' || suffix === '/invite')) || (method === 'put' && suffix === '/{id}'))
      return entityName;
    if (method === 'patch' && suffix === '/{id}') return patchName;
    if (method === 'post' && suffix === '/search') return searchName;
    return undefined;
  };
  const concrete = `/registry/v1/entity/${encodeURIComponent(type.type)}`;
  const paths: OpenApiDocument['paths'] = {};
  for (const [path, item] of Object.entries(service.paths)) {
    if (!path.startsWith(ENTITY_PATH)) continue;
    const suffix = path.slice(ENTITY_PATH.length);
    if (suffix !== '' && !suffix.startsWith('/')) continue;
    // Its own path; the attestation request (its body names one of the type's attestation policies,
    // and only the entity's owner may send it: anyone else 404); the bulk import (its body is a CSV or
    // NDJSON file, text whose rows the answer judges one by one): no JSON body of the type's shape.
    if (EXCLUDED_SUFFIXES.includes(suffix)) continue;
    const operations: Record<string, unknown> = {};
    for (const method of METHODS) {
      const operation = item[method] as Record<string, unknown> | undefined;
      if (!operation) continue;
      const copy = structuredClone(operation);
      const parameters = (copy['parameters'] as Array<Record<string, unknown>> | undefined)?.filter(
        (p) => !(p['in'] === 'path' && p['name'] === 'type'),
      );
      if (parameters) copy['parameters'] = parameters;
      copy['operationId'] = `${String(copy['operationId'] ?? method)}_${componentName(type.type, '')}`;
      const body = bodyFor(suffix, method);
      const requestBody = copy['requestBody'] as { content?: Record<string, { schema?: unknown }> } | undefined;
      if (body && requestBody?.content?.['application/json']) {
        requestBody.content['application/json'] = { schema: { $ref: `#/components/schemas/${body}` } };
      }
      operations[method] = copy;
    }
    paths[`${concrete}${suffix}`] = operations;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: `Archipelago registry — entities of type ${type.type}`,
      version: `${type.definitionVersion}`,
      description: `The entity operations of the registry for ${type.type}, with the request bodies its definition (${type.definitionId}, version ${type.definitionVersion}) accepts. Generated from the serving version: a new version, once activated, changes this document.`,
    },
    ...(service['security'] ? { security: service['security'] } : {}),
    paths,
    components: { ...service.components, schemas },
  };
}
