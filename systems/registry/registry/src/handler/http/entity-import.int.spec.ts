import { openApiGaps } from '@archipelago/platform-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryTestApp, type RegistryTestApp } from '../../../test/registry-test-app.js';

// Component test of bulk import over HTTP on real Postgres (issue 14 §3): CSV and NDJSON, per-row
// results, uniqueness inside one file, nothing written for a bad row or a refused file.
let registry: RegistryTestApp;
let admin: string;
let customer: string;
let root: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const get = (path: string) =>
  fetch(`${root}${path}`, { headers: { authorization: `Bearer ${admin}` } }) as Promise<JsonResponse>;
const post = (path: string, body: string, contentType: string, token = admin) =>
  fetch(`${root}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  }) as Promise<JsonResponse>;
const importFile = (body: string, contentType = 'text/csv', type = 'Learner') =>
  post(`/entity/${type}/import`, body, contentType);
const count = async (table: 'events' | 'outbox') =>
  (await registry.infrastructure.pool.query(`SELECT count(*)::int AS n FROM "registry".${table}`)).rows[0].n as number;

beforeAll(async () => {
  registry = await startRegistryTestApp('registry_entity_import');
  admin = await registry.token('a0a0a0a0-0000-4000-8000-000000000001', ['admin']);
  customer = await registry.token('c0c0c0c0-0000-4000-8000-000000000002', ['customer']);
  root = registry.root;
  const schema = {
    title: 'Learner',
    type: 'object',
    required: ['name', 'email'],
    properties: {
      name: { type: 'string', minLength: 1 },
      email: { type: 'string' },
      age: { type: 'integer', minimum: 0 },
      address: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false },
    },
    additionalProperties: false,
    _osConfig: { uniqueIndexFields: ['email'] },
  };
  const { id } = await (await post('/schema/create_def', JSON.stringify(schema), 'application/json')).json();
  expect((await post('/schema/activate_def', JSON.stringify({ id }), 'application/json')).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await registry?.close();
});

describe('bulk import (POST /registry/v1/entity/{type}/import)', () => {
  it('imports a CSV file row by row: typed cells, nested columns, a bad row and a duplicate reported, the rest created', async () => {
    const events = await count('events');
    const outbox = await count('outbox');
    const csv = [
      'name,email,age,address.city',
      'Asha,asha@example.com,21,Pune',
      ',nobody@example.com,-3,',
      '"Ravi, K",ravi@example.com,,"New ""Delhi"""',
      'Dup,asha@example.com,30,',
    ].join('\r\n');
    const res = await importFile(`\uFEFF${csv}\r\n`);
    expect(res.status).toBe(200);
    const result = await res.json();
    expect(result).toMatchObject({ type: 'Learner', total: 4, created: 2, failed: 2, skipped: 0 });
    expect(
      result.results.map((r: { line: number; status: string; code?: string }) => [r.line, r.status, r.code]),
    ).toEqual([
      [2, 'created', undefined],
      [3, 'failed', 'ENTITY.INVALID'],
      [4, 'created', undefined],
      [5, 'failed', 'ENTITY.UNIQUE_FIELD_TAKEN'],
    ]);
    expect(result.results[1].errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/age', '/name']);
    const ravi = await (await get(`/entity/Learner/${result.results[2].id}`)).json();
    expect(ravi.body).toEqual({ name: 'Ravi, K', email: 'ravi@example.com', address: { city: 'New "Delhi"' } });
    const asha = await (await get(`/entity/Learner/${result.results[0].id}`)).json();
    expect(asha.body).toEqual({ name: 'Asha', email: 'asha@example.com', age: 21, address: { city: 'Pune' } });
    // One stream event and one integration event per created row; nothing for the failed ones.
    expect(await count('events')).toBe(events + 2);
    expect(await count('outbox')).toBe(outbox + 2);
  });

  it('imports NDJSON, one body per line: a line that is not a JSON object spoils only itself', async () => {
    const ndjson = [
      '{"name":"Meera","email":"meera@example.com"}',
      '',
      '{"name":',
      '[1,2]',
      '{"name":"Zoe","email":"zoe@example.com","age":9}',
    ].join('\n');
    const result = await (await importFile(ndjson, 'application/x-ndjson; charset=utf-8')).json();
    expect(
      result.results.map((r: { line: number; status: string; code?: string }) => [r.line, r.status, r.code]),
    ).toEqual([
      [1, 'created', undefined],
      [3, 'failed', 'ENTITY.IMPORT_ROW_UNREADABLE'],
      [4, 'failed', 'ENTITY.IMPORT_ROW_UNREADABLE'],
      [5, 'created', undefined],
    ]);
  });

  it('refuses a file it cannot take as a whole with a problem, writing nothing', async () => {
    const events = await count('events');
    const problem = async (res: JsonResponse, status: number, code?: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      if (code) expect((await res.json()).code).toBe(code);
    };
    await problem(await importFile('name,email\n"unclosed,x@example.com\n'), 400, 'ENTITY.IMPORT_UNREADABLE');
    await problem(await importFile('name,name\nA,B\n'), 400, 'ENTITY.IMPORT_UNREADABLE');
    await problem(await importFile('name,email\n'), 400, 'ENTITY.IMPORT_EMPTY');
    const many = Array.from({ length: 1001 }, (_, i) => `{"name":"n${i}","email":"n${i}@example.com"}`).join('\n');
    await problem(await importFile(many, 'application/x-ndjson'), 413, 'ENTITY.IMPORT_TOO_LARGE');
    await problem(await importFile('{"name":"x","email":"x@example.com"}', 'application/json'), 415);
    await problem(await importFile('name,email\nA,a@example.com\n', 'text/csv', 'Nope'), 404, 'ENTITY.TYPE_NOT_FOUND');
    await problem(await post('/entity/Learner/import', 'name,email\nA,a@example.com\n', 'text/csv', customer), 403);
    expect(await count('events')).toBe(events);
  });

  it('documents the operation with both media types and every answer', async () => {
    const doc = await (await get('/../../docs/openapi.json')).json();
    const operation = doc.paths['/registry/v1/entity/{type}/import'].post;
    expect(Object.keys(operation.requestBody.content).sort()).toEqual(['application/x-ndjson', 'text/csv']);
    expect(openApiGaps(doc)).toEqual([]);
    expect(Object.keys(operation.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '409', '413', '415']),
    );
  });
});
