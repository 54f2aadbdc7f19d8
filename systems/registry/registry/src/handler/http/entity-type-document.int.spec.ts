import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryTestApp, type RegistryTestApp } from '../../../test/registry-test-app.js';
import { rememberServiceDocument } from './entity-type.openapi.js';

// Component test of GET /registry/v1/entity/{type}/openapi.json on real Postgres: the per-type
// document follows the serving definition version (activation of a revision changes it).
let registry: RegistryTestApp;
let admin: string;
let customer: string;
let root: string;
let courseId: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (path: string, token: string, init: RequestInit & { body?: string } = {}) =>
  fetch(`${root}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  }) as Promise<JsonResponse>;
const post = (path: string, body: unknown) => http(path, admin, { method: 'POST', body: JSON.stringify(body) });

const course = (extra: Record<string, unknown> = {}) => ({
  title: 'Course',
  type: 'object',
  required: ['code'],
  properties: { code: { type: 'string', pattern: '^[A-Z]{2}[0-9]{3}$' }, credits: { type: 'integer' }, ...extra },
  _osConfig: { privateFields: ['$.credits'] },
});

beforeAll(async () => {
  registry = await startRegistryTestApp('registry_entity_type_document', rememberServiceDocument);
  admin = await registry.token('a0a0a0a0-0000-4000-8000-000000000001', ['admin']);
  customer = await registry.token('c0c0c0c0-0000-4000-8000-000000000002', ['customer']);
  root = registry.root;
}, 120_000);

afterAll(async () => {
  await registry?.close();
});

describe('GET /registry/v1/entity/{type}/openapi.json', () => {
  it('is 404 for an unknown type and 409 while the definition serves no version', async () => {
    expect((await http('/entity/Course/openapi.json', admin)).status).toBe(404);
    const { id } = await (await post('/schema/create_def', course())).json();
    courseId = id;
    const draft = await http('/entity/Course/openapi.json', admin);
    expect(draft.status).toBe(409);
    expect(draft.headers.get('content-type')).toContain('application/problem+json');
    expect((await post('/schema/activate_def', { id })).status).toBe(200);
  });

  it("answers the type's operations with its schema as the body, to any signed-in user", async () => {
    const res = await http('/entity/course/openapi.json', customer);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/registry/v1/entity/Course',
        '/registry/v1/entity/Course/{id}',
        '/registry/v1/entity/Course/search',
      ]),
    );
    expect(Object.keys(doc.paths).some((p: string) => p.includes('{type}') || p.endsWith('openapi.json'))).toBe(false);
    const create = doc.paths['/registry/v1/entity/Course'].post;
    expect(create.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CourseEntity',
    });
    expect(create.responses).toHaveProperty('201');
    expect(create.responses).toHaveProperty('400');
    expect(doc.components.schemas.CourseEntity.properties.code.pattern).toBe('^[A-Z]{2}[0-9]{3}$');
    // Private fields are never searchable, so the search grammar leaves them out.
    expect(Object.keys(doc.components.schemas.CourseSearchFilters.properties)).toEqual(['code']);
  });

  it('follows activation: a revision changes the document only once it serves', async () => {
    const id = 'course';
    const defId = courseId;
    expect(
      (
        await http(`/schema/${defId}`, admin, {
          method: 'PUT',
          body: JSON.stringify(course({ room: { type: 'string' } })),
        })
      ).status,
    ).toBe(200);
    let doc = await (await http(`/entity/${id}/openapi.json`, admin)).json();
    expect(doc.info.version).toBe('1');
    expect(doc.components.schemas.CourseEntity.properties).not.toHaveProperty('room');
    expect((await post('/schema/activate_def', { id: defId })).status).toBe(200);
    doc = await (await http(`/entity/${id}/openapi.json`, admin)).json();
    expect(doc.info.version).toBe('2');
    expect(doc.components.schemas.CourseEntity.properties).toHaveProperty('room');
    expect(Object.keys(doc.components.schemas.CourseSearchFilters.properties)).toEqual(['code', 'room']);
  });
});
