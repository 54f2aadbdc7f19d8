import { Logger } from '@nestjs/common';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRegistryTestApp, type RegistryTestApp } from '../../../test/registry-test-app.js';

// Issue 14 §5: private fields are never in logs. The service runs at LOG_LEVEL debug, its pino
// output captured (and console, in case anything writes there), through every path that handles a
// private value: create, a 400 on a bad private value, a 409 on a private unique value, a bulk
// import (a good row, a bad row, a duplicate), and search (results, and a filter naming a private
// field with a private value in it). No private value may appear in what was logged.
// National ids (two valid, two breaking the pattern) and e-mails, all made up for this test.
const [NATIONAL_ID, IMPORTED_ID, BAD_NATIONAL_ID, IMPORTED_BAD] = [
  'NID-6130',
  'NID-8842',
  'NID-BAD-7731',
  'NID-IMP-5519',
];
const [EMAIL, IMPORTED_EMAIL] = ['meera.logcheck@example.com', 'arjun.logcheck@example.com'];
const SECRETS = [NATIONAL_ID, EMAIL, BAD_NATIONAL_ID, IMPORTED_ID, IMPORTED_EMAIL, IMPORTED_BAD];

let registry: RegistryTestApp;
let admin: string;
const lines: string[] = [];
const consoleCalls: unknown[][] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const post = (path: string, body: string, contentType = 'application/json') =>
  fetch(`${registry.root}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': contentType },
    body,
  }) as Promise<JsonResponse>;

beforeAll(async () => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void consoleCalls.push(args));
  }
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  registry = await startRegistryTestApp('registry_private_fields_logs', undefined, { level: 'debug', destination });
  admin = await registry.token('a0a0a0a0-0000-4000-8000-0000000000a1', ['admin']);
  const schema = {
    title: 'Resident',
    type: 'object',
    required: ['name', 'nationalId', 'email'],
    properties: {
      name: { type: 'string', minLength: 1 },
      nationalId: { type: 'string', pattern: '^NID-[0-9]{4}$' },
      email: { type: 'string', format: 'email' },
    },
    additionalProperties: false,
    _osConfig: {
      privateFields: ['$.nationalId', '$.email'],
      uniqueIndexFields: ['nationalId'],
      ownershipAttributes: [{ email: '/email' }],
    },
  };
  const { id } = await (await post('/schema/create_def', JSON.stringify(schema))).json();
  expect((await post('/schema/activate_def', JSON.stringify({ id }))).status).toBe(200);
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await registry?.close();
});

describe('private fields never reach the logs (LOG_LEVEL debug, captured)', () => {
  it('create, 400 on a bad private value, 409 on a taken private unique value, import and search log no private value', async () => {
    const created = await post(
      '/entity/Resident',
      JSON.stringify({ name: 'Meera', nationalId: NATIONAL_ID, email: EMAIL }),
    );
    expect(created.status).toBe(201);
    const { id } = await created.json();

    const invalid = await post(
      '/entity/Resident',
      JSON.stringify({ name: 'Bad', nationalId: BAD_NATIONAL_ID, email: 'bad.logcheck@example.com' }),
    );
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).not.toContain(BAD_NATIONAL_ID);

    const taken = await post(
      '/entity/Resident',
      JSON.stringify({ name: 'Copy', nationalId: NATIONAL_ID, email: 'copy.logcheck@example.com' }),
    );
    expect(taken.status).toBe(409);
    expect(await taken.text()).not.toContain(NATIONAL_ID);

    const ndjson = [
      JSON.stringify({ name: 'Arjun', nationalId: IMPORTED_ID, email: IMPORTED_EMAIL }),
      JSON.stringify({ name: 'Broken', nationalId: IMPORTED_BAD, email: 'broken.logcheck@example.com' }),
      JSON.stringify({ name: 'Twin', nationalId: NATIONAL_ID, email: 'twin.logcheck@example.com' }),
    ].join('\n');
    const imported = await post('/entity/Resident/import', ndjson, 'application/x-ndjson');
    expect(imported.status).toBe(200);
    expect(await imported.json()).toMatchObject({ created: 1, failed: 2 });

    await vi.waitFor(
      async () => {
        const page = await (
          await post('/entity/Resident/search', JSON.stringify({ filters: { name: { eq: 'Meera' } } }))
        ).json();
        expect(page.items.map((item: { id: string }) => item.id)).toEqual([id]);
      },
      { timeout: 20_000, interval: 100 },
    );
    const byPrivate = await post(
      '/entity/Resident/search',
      JSON.stringify({ filters: { nationalId: { eq: NATIONAL_ID } } }),
    );
    expect(byPrivate.status).toBe(400);

    // The capture works, at debug level, and saw these requests.
    new Logger('LogLevelProbe').debug('debug lines are written');
    const logged = lines.join('');
    expect(logged).toMatch(/"level":"debug".*"msg":"debug lines are written"/);
    expect(logged).toMatch(/"level":"info".*"statusCode":201/);
    expect(logged).toContain('/registry/v1/entity/Resident/import');
    expect(logged).toContain('/registry/v1/entity/Resident/search');
    expect(logged).toMatch(/"statusCode":409/);
    expect(logged).toMatch(/"statusCode":400/);
    const printed = JSON.stringify(consoleCalls);
    for (const secret of SECRETS) {
      expect(logged, secret).not.toContain(secret);
      expect(printed, secret).not.toContain(secret);
    }
  });
});
