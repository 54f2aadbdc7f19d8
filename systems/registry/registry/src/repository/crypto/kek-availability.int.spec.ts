import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRegistryTestApp, type RegistryTestApp } from '../../../test/registry-test-app.js';
import { documentKeyUnavailable } from '../../handler/http/key-unavailable.openapi.js';
import { newKekJwk } from './key-encryption-keys.js';

// A key-encryption key that wrapped existing data keys is left out of the configuration (issue 14
// §5): the registry started without it is not ready (naming the kid), the entities it protects
// answer 503 REGISTRY.KEY_UNAVAILABLE with Retry-After instead of 500, writes to them are refused
// before anything is written, the log names the kid, and other entities keep working.
const oldKek = newKekJwk();
const newKek = newKekJwk();
const OLD_KID = oldKek.kid!;
const ADMIN = 'a0a0a0a0-0000-4000-8000-000000000001';
const OWNER = 'b0b0b0b0-0000-4000-8000-000000000002';
const OWNER_EMAIL = 'owner.kek-missing@example.com';
const NATIONAL_ID = 'NID-KEK-MISSING-5150';

let first: RegistryTestApp | undefined;
let second: RegistryTestApp | undefined;
let entityId: string;
const logged: string[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const call = (app: RegistryTestApp, path: string, token: string, init: RequestInit = {}) =>
  fetch(`${app.root}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.headers as Record<string, string> | undefined),
    },
  }) as Promise<JsonResponse>;
const ready = (app: RegistryTestApp) =>
  fetch(`${app.root.replace('/registry/v1', '')}/health/ready`) as Promise<JsonResponse>;

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logged.push(String(line)));
  process.env['REGISTRY_KEKS'] = JSON.stringify({ keys: [oldKek] });
  first = await startRegistryTestApp('registry_kek_missing');
  const admin = await first.token(ADMIN, ['admin']);
  const post = (path: string, body: unknown) =>
    call(first!, path, admin, { method: 'POST', body: JSON.stringify(body) });
  const { id } = await (
    await post('/schema/create_def', {
      title: 'Voter',
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, email: { type: 'string' }, nationalId: { type: 'string' } },
      _osConfig: { privateFields: ['$.nationalId'], ownershipAttributes: [{ email: '$.email' }] },
    })
  ).json();
  expect((await post('/schema/activate_def', { id })).status).toBe(200);
  const created = await post('/entity/Voter', { name: 'Meera', email: OWNER_EMAIL, nationalId: NATIONAL_ID });
  expect(created.status).toBe(201);
  entityId = (await created.json()).id;
  expect((await ready(first)).status).toBe(200);
  const url = first.url;
  await first.close();
  first = undefined;
  // Restarted with a configuration that lost the KEK (a new one only).
  process.env['REGISTRY_KEKS'] = JSON.stringify({ keys: [newKek] });
  second = await startRegistryTestApp({ url }, documentKeyUnavailable);
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  delete process.env['REGISTRY_KEKS'];
  await first?.close();
  await second?.close();
});

describe('a key-encryption key missing from the configuration', () => {
  it('makes the registry not ready, naming the missing kid, and logs it (never key material)', async () => {
    const res = await ready(second!);
    expect(res.status).toBe(503);
    const problem = await res.json();
    expect(problem.checks.keks.status).toBe('down');
    expect(problem.checks.keks.message).toContain(OLD_KID);
    expect(problem.checks.postgres.status).toBe('up');
    const lines = logged.filter((l) => l.includes('key-encryption key missing'));
    expect(lines.some((l) => l.includes(OLD_KID))).toBe(true);
    expect(lines.join('\n')).not.toContain(oldKek.k!);
  });

  it('answers reads of an entity it protects 503 REGISTRY.KEY_UNAVAILABLE with Retry-After, for owner and admin', async () => {
    for (const token of [await second!.token(OWNER, []), await second!.token(ADMIN, ['admin'])]) {
      const res = await call(second!, `/entity/Voter/${entityId}`, token);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('retry-after')).toBe('30');
      const problem = await res.json();
      expect(problem).toMatchObject({ status: 503, code: 'REGISTRY.KEY_UNAVAILABLE' });
      expect(JSON.stringify(problem)).not.toContain(OLD_KID);
    }
  });

  it('refuses writes to it with the same 503, before anything is written', async () => {
    const admin = await second!.token(ADMIN, ['admin']);
    const count = async () =>
      (
        await second!.infrastructure.pool.query(
          `SELECT count(*)::int AS n FROM "registry".events WHERE stream_id = $1`,
          [`entity-${entityId}`],
        )
      ).rows[0].n as number;
    const before = await count();
    const patch = await call(second!, `/entity/Voter/${entityId}`, admin, {
      method: 'PATCH',
      body: JSON.stringify({ name: 'Meera R' }),
    });
    expect(patch.status).toBe(503);
    expect((await patch.json()).code).toBe('REGISTRY.KEY_UNAVAILABLE');
    const del = await call(second!, `/entity/Voter/${entityId}`, admin, { method: 'DELETE' });
    expect(del.status).toBe(503);
    expect(await count()).toBe(before);
    const { rows } = await second!.infrastructure.pool.query(
      `SELECT kek_id, shredded_at FROM "registry".entity_data_key WHERE entity_id = $1`,
      [entityId],
    );
    expect(rows).toEqual([{ kek_id: OLD_KID, shredded_at: null }]);
  });

  it('keeps other entities working (new data keys are wrapped by the configured KEK)', async () => {
    const admin = await second!.token(ADMIN, ['admin']);
    const created = await call(second!, '/entity/Voter', admin, {
      method: 'POST',
      body: JSON.stringify({ name: 'Ravi', nationalId: 'NID-KEK-NEW-1' }),
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    const read = await call(second!, `/entity/Voter/${id}`, admin);
    expect(read.status).toBe(200);
    expect((await read.json()).body.nationalId).toBe('NID-KEK-NEW-1');
  });

  it('declares the 503 in the OpenAPI document of the entity operations', async () => {
    const res = (await fetch(`${second!.root.replace('/registry/v1', '')}/docs/openapi.json`)) as JsonResponse;
    const doc = await res.json();
    const get = doc.paths['/registry/v1/entity/{type}/{id}'].get;
    expect(get.responses['503'].headers['Retry-After']).toBeDefined();
    expect(get.responses['503'].content['application/problem+json'].schema.$ref).toBe(
      '#/components/schemas/Problem503',
    );
    expect(doc.components.schemas.Problem503.properties.code.enum).toContain('REGISTRY.KEY_UNAVAILABLE');
    expect(doc.paths['/registry/v1/schema/create_def'].post.responses['503']).toBeUndefined();
  });
});
