import { describe, expect, it } from 'vitest';
import type { EntityTypeDescription } from '../../use-case/describe-entity-type/describe-entity-type.use-case.js';
import { definitionAsComponent, entityTypeOpenApiDocument, type OpenApiDocument } from './entity-type.openapi.js';

const body = { content: { 'application/json': { schema: { $ref: '#/components/schemas/EntityBody' } } } };
const typeParam = { name: 'type', in: 'path', required: true, schema: { type: 'string' } };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const service: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'registry', version: '1' },
  security: [{ bearer: [] }],
  paths: {
    '/registry/v1/entity/{type}': {
      post: { operationId: 'create', parameters: [typeParam], requestBody: body, responses: { '201': {} } },
      get: { operationId: 'list', parameters: [typeParam], responses: { '200': {} } },
    },
    '/registry/v1/entity/{type}/{id}': {
      patch: { operationId: 'patch', parameters: [typeParam, idParam], requestBody: body, responses: { '200': {} } },
    },
    '/registry/v1/entity/{type}/search': {
      post: { operationId: 'search', parameters: [typeParam], requestBody: body, responses: { '200': {} } },
    },
    '/registry/v1/entity/{type}/openapi.json': { get: { parameters: [typeParam], responses: { '200': {} } } },
    '/registry/v1/schema': { get: { responses: { '200': {} } } },
  },
  components: { schemas: { EntityBody: { type: 'object' } } },
};

const student: EntityTypeDescription = {
  type: 'Student',
  definitionId: '1bd23c91-3379-b65b-11cc-64984050e35c',
  definitionVersion: 2,
  schema: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Student',
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1 },
      code: { type: 'string', pattern: '^[A-Z]{3}$' },
      address: { $ref: '#/definitions/Address' },
      pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] },
      school: { $ref: 'Common.json#/definitions/School' },
    },
    definitions: { Address: { type: 'object', properties: { city: { type: 'string', enum: ['Pune'] } } } },
    _osConfig: { privateFields: ['$.name'] },
  },
  references: { Common: { title: 'Common', definitions: { School: { type: 'string' } } } },
  searchable: new Map([
    ['address.city', 'string'],
    ['age', 'number'],
    ['tags', 'string[]'],
  ]),
};

describe('entityTypeOpenApiDocument', () => {
  const document = entityTypeOpenApiDocument(service, student);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- nested JSON Schemas, read by path
  const schemas = document.components!.schemas as Record<string, Record<string, any>>;

  it('fixes {type} to the type, without the type parameter, and leaves other paths and its own path out', () => {
    expect(Object.keys(document.paths).sort()).toEqual([
      '/registry/v1/entity/Student',
      '/registry/v1/entity/Student/search',
      '/registry/v1/entity/Student/{id}',
    ]);
    const patch = document.paths['/registry/v1/entity/Student/{id}']!['patch'] as {
      parameters: Array<{ name: string }>;
    };
    expect(patch.parameters.map((p) => p.name)).toEqual(['id']);
    expect(document.security).toEqual([{ bearer: [] }]);
  });

  it('takes the type schema for a create, a merge-patch object for PATCH, the type search for search', () => {
    type WithBody = { requestBody: { content: Record<string, { schema: { $ref: string } }> } };
    const schemaOf = (path: string, method: string) =>
      (document.paths[path]![method] as WithBody).requestBody.content['application/json']!.schema.$ref;
    expect(schemaOf('/registry/v1/entity/Student', 'post')).toBe('#/components/schemas/StudentEntity');
    expect(schemaOf('/registry/v1/entity/Student/{id}', 'patch')).toBe('#/components/schemas/StudentMergePatch');
    expect(schemaOf('/registry/v1/entity/Student/search', 'post')).toBe('#/components/schemas/StudentSearch');
  });

  it('re-roots the definition: no _osConfig or $schema, local and cross-document refs, draft-07 tuples', () => {
    const entity = schemas['StudentEntity']!;
    expect(entity).not.toHaveProperty('_osConfig');
    expect(entity).not.toHaveProperty('$schema');
    expect(entity['properties'].address.$ref).toBe('#/components/schemas/StudentEntity/definitions/Address');
    expect(entity['properties'].school.$ref).toBe('#/components/schemas/StudentEntity.Common/definitions/School');
    expect(schemas['StudentEntity.Common']!['definitions'].School.type).toBe('string');
    expect(entity['properties'].pair).toMatchObject({ prefixItems: [{ type: 'string' }, { type: 'number' }] });
    expect(entity['properties'].pair).not.toHaveProperty('items');
  });

  it('says what storage refuses: strings and member names without U+0000, open members any storable JSON', () => {
    const entity = schemas['StudentEntity']!;
    expect(entity['properties'].name.pattern).toBe('^[^\\u0000]*$');
    expect(entity['properties'].code).toMatchObject({ pattern: '^[A-Z]{3}$', allOf: [{ pattern: '^[^\\u0000]*$' }] });
    expect(entity['definitions'].Address.properties.city).not.toHaveProperty('pattern');
    expect(entity['propertyNames']).toEqual({ pattern: '^[^\\u0000]*$' });
    expect(entity['additionalProperties']).toEqual({ $ref: '#/components/schemas/StorableJson' });
    expect(schemas['StorableJson']).toBeDefined();
  });

  it('lists exactly the searchable fields, each with the operators of its kind', () => {
    const filters = schemas['StudentSearchFilters']!;
    expect(filters['additionalProperties']).toBe(false);
    expect(Object.keys(filters['properties'])).toEqual(['address.city', 'age', 'tags']);
    expect(Object.keys(filters['properties'].tags.properties)).toEqual(['contains', 'notContains']);
    expect(filters['properties'].age.properties.between).toMatchObject({
      minItems: 2,
      maxItems: 2,
      items: { type: 'number' },
    });
    expect(Object.keys(filters['properties']['address.city'].properties)).toContain('startsWith');
    expect(schemas['StudentSearch']!['properties'].limit).toMatchObject({ minimum: 1, maximum: 500 });
  });
});

describe('definitionAsComponent', () => {
  it('keeps a 2020-12 schema as it is, but for the storage rule', () => {
    const component = definitionAsComponent(
      {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: 'T',
        type: 'object',
        additionalProperties: false,
        properties: { a: { type: 'integer' } },
      },
      'TEntity',
      (stem) => stem,
    );
    expect(component).toEqual({
      title: 'T',
      type: 'object',
      additionalProperties: false,
      propertyNames: { pattern: '^[^\\u0000]*$' },
      properties: { a: { type: 'integer' } },
    });
  });
});
