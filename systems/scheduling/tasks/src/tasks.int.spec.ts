import { randomUUID } from 'node:crypto';
import 'reflect-metadata';
import { TASKS_EVENTS } from '@archipelago/scheduling-contracts';
import { Messaging, type IncomingMessage, type TransportKind } from '@archipelago/platform-messaging';
import { createHttpApp, platformMetricsRegistry, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CommandBus } from '@nestjs/cqrs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TASKS_DOMAIN_ERRORS, TasksModule } from './tasks.module.js';
import { migrateTasks } from './repository/tasks.data-source.js';
import { tasksSubtaskLinksMigration } from './repository/migrations/1797100000000-tasks-subtask-links.migration.js';
import { TasksInfrastructure } from './repository/tasks.infrastructure.js';
import { IdempotencyKeyRetentionJob } from './handler/job/idempotency-key-retention.job.js';
import { PruneIdempotencyKeysCommand } from './use-case/prune-idempotency-keys/prune-idempotency-keys.command.js';
import { PRUNE_BATCH } from './use-case/prune-idempotency-keys/prune-idempotency-keys.use-case.js';

// Component test: the real tasks module over HTTP on real Postgres, publishing through the
// outbox (to a real Kafka broker; to the postgres transport when the suite runs with TEST_KAFKA=off);
// access tokens from a test issuer serving a real JWKS.
const transport: TransportKind = kafkaBrokers() ? 'kafka' : 'postgres';
const ANN = { sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f', roles: ['customer'], email: 'ann@example.com' };
const BOB = { sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f', roles: ['customer'], email: 'bob@example.com' };
let issuer: TestIssuer;
let ann: string;
let bob: string;
let commandApp: NestFastifyApplication;
let queryApp: NestFastifyApplication;
let app: NestFastifyApplication;
let infrastructure: TasksInfrastructure;
let listener: Messaging;
let base: string;
const received: IncomingMessage[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (url: string, init?: RequestInit) => fetch(url, init) as Promise<JsonResponse>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const send = (method: string, url: string, body: unknown, token = ann, headers: Record<string, string> = {}) =>
  http(url, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...bearer(token), ...headers },
    body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
  });
const post = (body: unknown, token = ann) => send('POST', base, body, token);
const get = (path: string, token = ann) => http(`${base}${path}`, { headers: bearer(token) });

beforeAll(async () => {
  issuer = await startTestIssuer();
  ann = await issuer.issue({ ...ANN, expiresInSec: 900 });
  bob = await issuer.issue({ ...BOB, expiresInSec: 900 });
  const url = await createTestDatabase('tasks');
  await migrateTasks(url, 'tasks');
  const brokers = transport === 'kafka' ? [kafkaBrokers()] : undefined;
  infrastructure = await TasksInfrastructure.open({
    databaseUrl: url,
    schema: 'tasks',
    transport,
    kafkaBrokers: brokers,
  });
  const topics = Object.values(TASKS_EVENTS).map((e) => e.topic);
  await infrastructure.messaging.ensureTopics(topics);
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience, jwksCooldownMs: 0 };
  const start = async (role: 'all' | 'command' | 'query') => {
    const started = await createHttpApp(TasksModule.forRoot(infrastructure, auth, role), {
      serviceName: 'tasks',
      config: { SERVICE_NAME: 'tasks', SYSTEM: 'scheduling', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'warn' },
      domainErrors: TASKS_DOMAIN_ERRORS,
      readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
      openapi: { title: 'tasks', version: '1' },
    });
    await started.listen(0, '127.0.0.1');
    return started;
  };
  await infrastructure.start();
  app = await start('all');
  commandApp = await start('command');
  queryApp = await start('query');
  base = `${await app.getUrl()}/scheduling/v1/tasks`.replace('[::1]', '127.0.0.1');
  listener = new Messaging({
    transport,
    kafkaBrokers: brokers,
    system: 'scheduling',
    service: 'listener',
    schema: 'tasks',
    pool: infrastructure.pool,
    databaseUrl: url,
  });
  await listener.subscribe('scheduling.test-listener', topics, async (m) => {
    received.push(m);
  });
}, 120_000);

afterAll(async () => {
  await listener?.close();
  await app?.close();
  await commandApp?.close();
  await queryApp?.close();
  await issuer?.close();
});

const urlOf = async (a: NestFastifyApplication) =>
  `${await a.getUrl()}/scheduling/v1/tasks`.replace('[::1]', '127.0.0.1');

describe('scheduling/tasks over HTTP', () => {
  it('creates a task: 201, Location, version; reads it with minVersion; lists it; publishes TaskCreatedV1', async () => {
    const res = await post({ title: '  Write the report ', priority: 2, tags: ['work'], due: '2026-03-10' });
    expect(res.status).toBe(201);
    const task = await res.json();
    expect(task).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      version: 1,
      workspaceId: `personal:${ANN.sub}`,
      title: 'Write the report',
      status: 'todo',
      priority: 2,
      tags: ['work'],
      due: { date: '2026-03-10' },
    });
    expect(res.headers.get('location')).toBe(`/scheduling/v1/tasks/${task.id}`);
    const read = await get(`/${task.id}?minVersion=${task.version}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: task.id, version: 1, title: 'Write the report', status: 'todo' });
    const page = await (await get('?limit=100&tag=work')).json();
    expect(page.items.map((i: { id: string }) => i.id)).toContain(task.id);
    await vi.waitFor(() => expect(received.map((m) => m.key)).toContain(task.id), { timeout: 30_000, interval: 100 });
    const message = received.find((m) => m.key === task.id && m.type === TASKS_EVENTS.TaskCreatedV1.type)!;
    expect(TASKS_EVENTS.TaskCreatedV1.schema.parse(message.payload)).toMatchObject({
      taskId: task.id,
      workspaceId: `personal:${ANN.sub}`,
      title: 'Write the report',
      createdBy: ANN.sub,
    });
  });

  it('patches and completes (idempotently), answering the new version; publishes TaskAssignedV1 and TaskCompletedV1', async () => {
    const task = await (await post({ title: 'Patch me' })).json();
    const patched = await send('PATCH', `${base}/${task.id}`, { priority: 1, assigneeId: ANN.sub });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ version: 2, priority: 1, assigneeId: ANN.sub });
    const done = await send('POST', `${base}/${task.id}/complete`, {}, ann, { 'idempotency-key': 'k1' });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ version: 3, status: 'done', nextTaskId: null });
    const again = await send('POST', `${base}/${task.id}/complete`, {}, ann, { 'idempotency-key': 'k1' });
    expect(await again.json()).toMatchObject({ version: 3, status: 'done' });
    expect(await (await get(`/${task.id}?minVersion=3`)).json()).toMatchObject({ status: 'done', priority: 1 });
    expect((await get(`/${task.id}?minVersion=9`)).status).toBe(409);
    // Waiting cannot help for a task the write side does not have: 404, not a 409 after the wait.
    expect((await get(`/${randomUUID()}?minVersion=1`)).status).toBe(404);
    await vi.waitFor(
      () => {
        const types = received.filter((m) => m.key === task.id).map((m) => m.type);
        expect(types).toEqual(
          expect.arrayContaining([TASKS_EVENTS.TaskAssignedV1.type, TASKS_EVENTS.TaskCompletedV1.type]),
        );
        expect(types.filter((t) => t === TASKS_EVENTS.TaskCompletedV1.type)).toHaveLength(1);
      },
      { timeout: 30_000, interval: 100 },
    );
  });

  it('completes a recurring task once, spawning the next occurrence; a parent with open subtasks needs cascade', async () => {
    const recurring = await (
      await post({
        title: 'Water plants',
        due: '2026-03-10',
        recurrence: { afterCompletion: { every: 7, unit: 'day' } },
      })
    ).json();
    const first = await (await send('POST', `${base}/${recurring.id}/complete`, {})).json();
    const retry = await (await send('POST', `${base}/${recurring.id}/complete`, {})).json();
    expect(first.nextTaskId).toEqual(expect.any(String));
    expect(retry.nextTaskId).toBe(first.nextTaskId);
    await vi.waitFor(async () => expect((await get(`/${first.nextTaskId}`)).status).toBe(200), { timeout: 10_000 });
    const created = await infrastructure.pool.query(
      `SELECT count(*)::int AS n FROM "tasks".events WHERE stream_id = $1`,
      [`task-${first.nextTaskId}`],
    );
    expect(created.rows[0].n).toBe(1);

    const parent = await (await post({ title: 'Parent' })).json();
    const child = await (await post({ title: 'Child', parentId: parent.id })).json();
    expect(child.parentId).toBe(parent.id);
    const refused = await send('POST', `${base}/${parent.id}/complete`, {});
    expect(refused.status).toBe(409);
    expect((await refused.json()).code).toBe('TASK.OPEN_SUBTASKS');
    const cascaded = await send('POST', `${base}/${parent.id}/complete?cascade=true`, {});
    expect(cascaded.status).toBe(200);
    expect(await (await get(`/${child.id}?minVersion=2`)).json()).toMatchObject({ status: 'done' });
    const cycle = await send('PATCH', `${base}/${parent.id}`, { parentId: child.id });
    expect(cycle.status).toBe(409);
  });

  it('answers a completion retried with its Idempotency-Key as the first time, also after a reopen', async () => {
    const task = await (
      await post({ title: 'Take out the bins', due: '2026-03-10', recurrence: { afterCompletion: { every: 7, unit: 'day' } } })
    ).json();
    const k1 = `retry-${randomUUID()}`; // keys are per caller across tasks: one no other test used
    const completeWith = (key: string, id = task.id, query = '') =>
      send('POST', `${base}/${id}/complete${query}`, undefined, ann, { 'idempotency-key': key });
    const first = await completeWith(k1);
    expect(first.status).toBe(200);
    const firstBody = await first.json();
    expect(firstBody).toMatchObject({ status: 'done', version: 2, nextTaskId: expect.any(String) });
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect((await send('PATCH', `${base}/${task.id}`, { status: 'todo' })).status).toBe(200);

    const retry = await completeWith(k1);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(firstBody);
    const spawned = await infrastructure.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "tasks".events WHERE event_type = 'TaskCreated' AND data->>'previousTaskId' = $1`,
      [task.id],
    );
    expect(spawned.rows[0]!.n).toBe(1);
    const completions = await infrastructure.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "tasks".events WHERE stream_id = $1 AND event_type = 'TaskCompleted'`,
      [`task-${task.id}`],
    );
    expect(completions.rows[0]!.n).toBe(1);

    // The key belongs to that request: another cascade is a 422, another caller has keys of their own.
    const reused = await completeWith(k1, task.id, '?cascade=true');
    expect(reused.status).toBe(422);
    expect((await reused.json()).code).toBe('IDEMPOTENCY.KEY_REUSED');
    const bobs = await (await post({ title: 'Bob’s task' }, bob)).json();
    const other = await send('POST', `${base}/${bobs.id}/complete`, undefined, bob, { 'idempotency-key': k1 });
    expect(other.status).toBe(200);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    const malformed = await completeWith('k 1');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
  });

  it('judges open subtasks from committed writes, not the task list projection', async () => {
    // With the projection stopped, task_list knows none of these tasks: the check must not read it.
    await infrastructure.projectionRunner.stop();
    try {
      const parent = await (await post({ title: 'Parent, projection stopped' })).json();
      const child = await (await post({ title: 'Child', parentId: parent.id })).json();
      const refused = await send('POST', `${base}/${parent.id}/complete`, {});
      expect(refused.status).toBe(409);
      expect((await refused.json()).details).toMatchObject({ openSubtaskIds: [child.id] });
      const cascaded = await send('POST', `${base}/${parent.id}/complete?cascade=true`, {});
      expect(cascaded.status).toBe(200);
      expect(await cascaded.json()).toMatchObject({ id: parent.id, status: 'done' });
      const { rows } = await infrastructure.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "tasks".events WHERE stream_id = $1 AND event_type = 'TaskCompleted'`,
        [`task-${child.id}`],
      );
      expect(rows[0]!.n).toBe(1);

      // A subtask completed a moment ago is no longer open; reopened, it is open again.
      const other = await (await post({ title: 'Other parent' })).json();
      const done = await (await post({ title: 'Done child', parentId: other.id })).json();
      const moved = await (await post({ title: 'Moved child' })).json();
      expect((await send('POST', `${base}/${done.id}/complete`, {})).status).toBe(200);
      expect((await send('PATCH', `${base}/${moved.id}`, { parentId: other.id })).status).toBe(200);
      expect((await send('POST', `${base}/${other.id}/complete`, {})).status).toBe(409);
      expect((await send('DELETE', `${base}/${moved.id}`, undefined)).status).toBe(204);
      expect((await send('PATCH', `${base}/${done.id}`, { status: 'todo' })).status).toBe(200);
      expect((await send('POST', `${base}/${other.id}/complete`, {})).status).toBe(409);
      expect((await send('PATCH', `${base}/${done.id}`, { status: 'cancelled' })).status).toBe(200);
      expect((await send('POST', `${base}/${other.id}/complete`, {})).status).toBe(200);
    } finally {
      infrastructure.projectionRunner.start();
    }
  });

  it('fills task_links from the event streams (the migration) as the writes left it', async () => {
    const parent = await (await post({ title: 'Backfill parent' })).json();
    const moved = await (await post({ title: 'Moved' })).json();
    await send('PATCH', `${base}/${moved.id}`, { parentId: parent.id, status: 'in_progress' });
    const done = await (await post({ title: 'Done', parentId: parent.id })).json();
    await send('POST', `${base}/${done.id}/complete`, {});
    const links = async () =>
      (await infrastructure.pool.query(`SELECT task_id, parent_id, status FROM "tasks".task_links ORDER BY task_id`)).rows;
    const written = await links();
    expect(written).toEqual(
      expect.arrayContaining([
        { task_id: moved.id, parent_id: parent.id, status: 'in_progress' },
        { task_id: done.id, parent_id: parent.id, status: 'done' },
      ]),
    );
    await infrastructure.pool.query(`DELETE FROM "tasks".task_links`);
    const Migration = tasksSubtaskLinksMigration('tasks');
    await new Migration().up({ query: (sql: string) => infrastructure.pool.query(sql) } as never);
    expect(await links()).toEqual(written);
  });

  it('answers 400 problem+json by field for bad bodies and writes nothing', async () => {
    const before = await infrastructure.pool.query(`SELECT count(*)::int AS n FROM "tasks".events`);
    const bad = await post({ title: 'x'.repeat(100_000), priority: 9 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const fields = (await bad.json()).details.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['title', 'priority']));
    expect((await post({})).status).toBe(400);
    expect((await post({ title: 'ok', workspaceId: null })).status).toBe(400);
    expect((await post('{"title": ')).status).toBe(400);
    expect((await post({ title: 'ok', due: '2026-03-10T09:00:00' })).status).toBe(400);
    const after = await infrastructure.pool.query(`SELECT count(*)::int AS n FROM "tasks".events`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('hides a task from another user: 404 on every route, absent from their list', async () => {
    const task = await (await post({ title: 'Private' })).json();
    await get(`/${task.id}?minVersion=1`);
    expect((await get(`/${task.id}`, bob)).status).toBe(404);
    expect((await send('PATCH', `${base}/${task.id}`, { title: 'mine' }, bob)).status).toBe(404);
    expect((await send('POST', `${base}/${task.id}/complete`, {}, bob)).status).toBe(404);
    expect((await send('DELETE', `${base}/${task.id}`, undefined, bob)).status).toBe(404);
    expect((await post({ title: 'in ann’s', workspaceId: `personal:${ANN.sub}` }, bob)).status).toBe(404);
    const page = await (await get('?limit=100', bob)).json();
    expect(page.items.map((i: { id: string }) => i.id)).not.toContain(task.id);
    const deleted = await send('DELETE', `${base}/${task.id}`, undefined);
    expect(deleted.status).toBe(204);
    expect((await send('PATCH', `${base}/${task.id}`, { title: 'gone' })).status).toBe(404);
  });

  it('documents the bodies as precisely as the deciders check them (unknown fields refused)', async () => {
    const doc = await (await http(`${base.replace('/scheduling/v1/tasks', '')}/docs/openapi.json`)).json();
    const body = (path: string, method: string) =>
      doc.paths[path][method].requestBody.content['application/json'].schema.$ref;
    expect(body('/scheduling/v1/tasks', 'post')).toBe('#/components/schemas/TaskInput');
    expect(body('/scheduling/v1/tasks/{id}', 'patch')).toBe('#/components/schemas/TaskPatch');
    expect(body('/scheduling/v1/workspaces', 'post')).toBe('#/components/schemas/WorkspaceInput');
    const { TaskInput, TaskPatch } = doc.components.schemas;
    expect([TaskInput.additionalProperties, TaskPatch.additionalProperties]).toEqual([false, false]);
    expect(TaskInput.required).toEqual(['title']);
    expect(TaskInput.properties.priority.anyOf[0]).toMatchObject({ type: 'integer', minimum: 1, maximum: 4 });
    expect(TaskPatch.properties.status.enum).toEqual(['todo', 'in_progress', 'cancelled']);
  });

  it('needs a token (401); answers 400 for a malformed id and a forged cursor', async () => {
    expect((await http(base)).status).toBe(401);
    expect(
      (await http(base, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status,
    ).toBe(401);
    expect((await get('/0b5b4c9e-1d6f-4c38-9a57-3f2a1c0d9e11')).status).toBe(404);
    expect((await get('/not-a-uuid')).status).toBe(400);
    expect((await get('?cursor=forged')).status).toBe(400);
  });

  it('serves writes only from the command role and reads only from the query role', async () => {
    const command = await urlOf(commandApp);
    const query = await urlOf(queryApp);
    const created = await send('POST', command, { title: 'Split' });
    expect(created.status).toBe(201);
    const task = await created.json();
    expect([404, 405]).toContain((await http(`${command}/${task.id}`, { headers: bearer(ann) })).status);
    expect([404, 405]).toContain((await http(command, { headers: bearer(ann) })).status);
    expect([404, 405]).toContain((await send('POST', query, { title: 'nope' })).status);
    expect([404, 405]).toContain((await send('PATCH', `${query}/${task.id}`, { title: 'nope' })).status);
    const read = await http(`${query}/${task.id}?minVersion=1`, { headers: bearer(ann) });
    expect(read.status).toBe(200);
  });

  it('pages the list in creation order with an opaque cursor', async () => {
    const ids: string[] = [];
    for (const title of ['P1', 'P2', 'P3']) ids.push((await (await post({ title, tags: ['paged'] })).json()).id);
    await get(`/${ids[2]}?minVersion=1`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await (
        await get(`?tag=paged&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i: { id: string }) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  it('orders the next tasks by priority, then earliest due (a date by its end of day, none last), then creation; done tasks left out', async () => {
    const create = async (body: Record<string, unknown>) => (await (await post(body, bob)).json()).id as string;
    const a = await create({ title: 'A', priority: 2, due: '2026-03-10' });
    const b = await create({ title: 'B', priority: 1 });
    const c = await create({ title: 'C', priority: 2, due: '2026-03-09T17:00:00', timeZone: 'Europe/Berlin' });
    const d = await create({ title: 'D', priority: 2, due: '2026-03-09' });
    const e = await create({ title: 'E', priority: 1, due: '2026-04-01' });
    const f = await create({ title: 'F', priority: 1, due: '2026-01-01' });
    await send('POST', `${base}/${f}/complete`, {}, bob);
    await get(`/${f}?minVersion=2`, bob);
    const next = await (await get('/next?limit=10', bob)).json();
    expect(next.items.map((t: { id: string }) => t.id)).toEqual([e, b, c, d, a]);
    expect((await get('/next?limit=0', bob)).status).toBe(400);
  });

  it('filters by assignee, due day in the caller’s time zone, overdue and full text', async () => {
    // A caller zone whose local time is far from midnight, so "today" cannot change mid-test.
    const zone = ['UTC', 'Asia/Tokyo', 'America/New_York'].find((z) => {
      const hour = Number(
        new Intl.DateTimeFormat('en-GB', { timeZone: z, hour: 'numeric', hourCycle: 'h23' }).format(),
      );
      return hour >= 2 && hour <= 21;
    })!;
    const dayIn = (z: string, offsetDays: number) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: z }).format(new Date(Date.now() + offsetDays * 86_400_000));
    const today = dayIn(zone, 0);
    const create = async (body: Record<string, unknown>) =>
      (await (await post({ tags: ['flt'], ...body })).json()) as { id: string; version: number };
    const late = await create({ title: 'Write the quarterly report', due: dayIn(zone, -1), assigneeId: ANN.sub });
    const now = await create({ title: 'Call the bank', description: 'about the budget figures', due: today });
    // 12:00 on day D at UTC+14 is 22:00 UTC on D-1, 11:00 on D-1 at UTC-11: which day it is depends on the caller.
    const d = dayIn('UTC', -3);
    const far = await create({ title: 'Kiribati standup', due: `${d}T12:00:00`, timeZone: 'Pacific/Kiritimati' });
    const done = await create({ title: 'Old quarterly chore', due: dayIn(zone, -7) });
    await send('POST', `${base}/${done.id}/complete`, {});
    const undated = await create({ title: 'Someday, maybe' });
    await get(`/${done.id}?minVersion=2`);
    await get(`/${undated.id}?minVersion=1`);
    const ids = async (query: string) =>
      ((await (await get(`?tag=flt&limit=100&${query}`)).json()).items as { id: string }[]).map((t) => t.id);

    expect(await ids(`assigneeId=${ANN.sub}`)).toEqual([late.id]);
    expect(await ids(`dueToday=true&timeZone=${zone}`)).toEqual([now.id]);
    expect(await ids(`overdue=true&timeZone=${zone}`)).toEqual([late.id, far.id]);
    expect(await ids(`overdue=false&timeZone=${zone}`)).toEqual([now.id, done.id, undated.id]);
    expect(await ids(`dueAfter=${dayIn(zone, -2)}&dueBefore=${dayIn(zone, 1)}&timeZone=${zone}`)).toEqual([
      late.id,
      now.id,
    ]);
    // The Kiritimati task's day: D for a caller at UTC+14, D-1 for one at UTC-11.
    expect(await ids(`dueAfter=${dayIn('UTC', -4)}&dueBefore=${d}&timeZone=Pacific/Kiritimati`)).toEqual([]);
    expect(await ids(`dueAfter=${dayIn('UTC', -5)}&dueBefore=${d}&timeZone=Pacific/Pago_Pago`)).toEqual([far.id]);
    // Full text on title and description: words, phrases, exclusions.
    expect(await ids('q=quarterly')).toEqual([late.id, done.id]);
    expect(await ids('q=budget')).toEqual([now.id]);
    expect(await ids(`q=${encodeURIComponent('"quarterly report"')}`)).toEqual([late.id]);
    expect(await ids(`q=${encodeURIComponent('quarterly -chore')}`)).toEqual([late.id]);
    // Bad filters: 400 by name.
    for (const bad of [
      'timeZone=Mars/Olympus',
      'dueBefore=2026-13-01',
      'overdue=yes',
      'assigneeId=me',
      `q=${'x'.repeat(201)}`,
    ])
      expect((await get(`?${bad}`)).status, bad).toBe(400);
  });

  it('keeps custom fields (merge patch), filters the list by one (cf.<key>=), and 400s a bad key by field', async () => {
    const fields = { client: 'ACME-int', hours: 3, billable: true, start: '2026-03-10' };
    const created = await post({ title: 'Invoice', customFields: fields });
    expect(created.status).toBe(201);
    const task = await created.json();
    expect(task.customFields).toEqual({ billable: true, client: 'ACME-int', hours: 3, start: '2026-03-10' });
    const other = await (await post({ title: 'Other', customFields: { client: 'Other-int', hours: 4 } })).json();
    const patched = await send('PATCH', `${base}/${task.id}`, { customFields: { hours: null, stage: 'sent' } });
    expect(patched.status).toBe(200);
    const after = await patched.json();
    expect(after.customFields).toEqual({ billable: true, client: 'ACME-int', stage: 'sent', start: '2026-03-10' });
    const read = await (await get(`/${task.id}?minVersion=${after.version}`)).json();
    expect(read.customFields).toEqual(after.customFields);
    await get(`/${other.id}?minVersion=${other.version}`);
    const ids = async (query: string) =>
      ((await (await get(`?limit=100&${query}`)).json()).items as { id: string }[]).map((i) => i.id);
    expect(await ids('cf.client=ACME-int')).toEqual([task.id]);
    expect(await ids('cf.client=ACME-int&cf.billable=true&cf.stage=sent')).toEqual([task.id]);
    expect(await ids('cf.hours=4')).toEqual([other.id]);
    expect(await ids('cf.hours=3')).toEqual([]);
    expect(await ids('cf.client=ACME-int&cf.billable=false')).toEqual([]);
    const badKey = await get('?cf.1bad=x');
    expect(badKey.status).toBe(400);
    expect(JSON.stringify(await badKey.json())).toContain('cf.1bad');
    const badBody = await post({ title: 'x', customFields: { 'no spaces': 1 } });
    expect(badBody.status).toBe(400);
    expect(JSON.stringify(await badBody.json())).toContain('customFields/no spaces');
    // The filter's expression is the indexed one (GIN, jsonb_path_ops): the planner can use the index.
    const client = await infrastructure.pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const plan = await client.query(
        `EXPLAIN SELECT id FROM "tasks".task_list t WHERE t.fields->'customFields' @> '{"client":"ACME-int"}'::jsonb`,
      );
      expect(JSON.stringify(plan.rows)).toContain('task_list_custom_fields');
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });

  it('adds and removes attachments (metadata): 201 with Location, in the task, 404 for another user, 400 by field, 409 past 20', async () => {
    const task = await (await post({ title: 'With files' })).json();
    const pdf = {
      name: 'report.pdf',
      mediaType: 'application/pdf',
      size: 48213,
      url: 'https://files.example.com/r.pdf',
    };
    const added = await send('POST', `${base}/${task.id}/attachments`, pdf);
    expect(added.status).toBe(201);
    const attachment = await added.json();
    expect(attachment).toMatchObject({
      ...pdf,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      taskId: task.id,
      version: 2,
    });
    expect(added.headers.get('location')).toBe(`/scheduling/v1/tasks/${task.id}/attachments/${attachment.id}`);
    const read = await (await get(`/${task.id}?minVersion=2`)).json();
    expect(read.attachments).toEqual([{ id: attachment.id, ...pdf }]);
    expect((await send('POST', `${base}/${task.id}/attachments`, pdf, bob)).status).toBe(404);
    expect((await send('DELETE', `${base}/${task.id}/attachments/${attachment.id}`, undefined, bob)).status).toBe(404);
    for (const [field, value] of [
      ['url', 'http://files.example.com/r.pdf'],
      ['url', 'https://user:<password>@files.example.com/r.pdf'],
      ['mediaType', 'pdf'],
      ['size', -1],
    ] as const) {
      const bad = await send('POST', `${base}/${task.id}/attachments`, { ...pdf, [field]: value });
      expect(bad.status, `${field} ${value}`).toBe(400);
      expect(JSON.stringify(await bad.json()), `${field} ${value}`).toContain(field);
    }
    const second = await (await send('POST', `${base}/${task.id}/attachments`, { ...pdf, name: 'b.pdf' })).json();
    const removed = await send('DELETE', `${base}/${task.id}/attachments/${attachment.id}`, undefined);
    expect(removed.status).toBe(204);
    expect(removed.headers.get('etag')).toBe('"4"');
    expect((await send('DELETE', `${base}/${task.id}/attachments/${attachment.id}`, undefined)).status).toBe(404);
    const after = await (await get(`/${task.id}?minVersion=4`)).json();
    expect(after.attachments.map((a: { id: string }) => a.id)).toEqual([second.id]);
    for (let i = 1; i < 20; i++)
      expect((await send('POST', `${base}/${task.id}/attachments`, { ...pdf, name: `f${i}.pdf` })).status).toBe(201);
    const full = await send('POST', `${base}/${task.id}/attachments`, pdf);
    expect(full.status).toBe(409);
    expect((await full.json()).code).toBe('TASK.TOO_MANY_ATTACHMENTS');
  });

  it('reads with If-None-Match: waits for the version named like minVersion, 304 when it is the one reached, 200 with a newer one', async () => {
    const task = await (await post({ title: 'Conditional' })).json();
    const read = (tags: string) => http(`${base}/${task.id}`, { headers: { ...bearer(ann), 'if-none-match': tags } });
    const same = await read('"1"');
    expect(same.status).toBe(304);
    expect(same.headers.get('etag')).toBe('"1"');
    expect(await same.text()).toBe('');
    const patched = await (await send('PATCH', `${base}/${task.id}`, { priority: 1 })).json();
    expect(patched.version).toBe(2);
    expect((await read('"2"')).status).toBe(304); // waited for the query side to reach the write
    const older = await read('W/"1"');
    expect(older.status).toBe(200);
    expect((await older.json()).version).toBe(2);
    expect((await read('"1", "2"')).status).toBe(304);
    expect((await read('*')).status).toBe(304);
    expect((await read('"other"')).status).toBe(200);
    expect((await read('"9"')).status).toBe(409);
    const malformed = await read('1');
    expect([malformed.status, (await malformed.json()).version]).toEqual([200, 2]); // not a tag list: ignored
    expect((await http(`${base}/${task.id}`, { headers: { ...bearer(bob), 'if-none-match': '"1"' } })).status).toBe(
      404,
    );
  });

  it('rebuilds the task list projection to the same content', async () => {
    const snapshot = async () =>
      (
        await infrastructure.pool.query(
          'SELECT id, seq, workspace_id, status, priority, tags, parent_id, fields, version FROM "tasks".task_list ORDER BY seq',
        )
      ).rows;
    await infrastructure.projectionRunner.catchUp();
    const before = await snapshot();
    expect(before.length).toBeGreaterThan(0);
    await infrastructure.pool.query(`UPDATE "tasks".task_list SET status = 'tampered'`);
    await infrastructure.projectionRunner.rebuild();
    expect(await snapshot()).toEqual(before);
  });
});

describe('task reminders: the tasks reminder engine (two processes run it here: all and command)', () => {
  const local = (ms: number) => new Date(ms).toISOString().slice(0, 19);
  const pending = async (taskId: string) =>
    (
      await infrastructure.pool.query<{ key: string; due_at: Date }>(
        `SELECT key, due_at FROM "tasks".task_reminders WHERE task_id = $1 AND fired_at IS NULL ORDER BY key`,
        [taskId],
      )
    ).rows.map((r) => `${r.key} ${r.due_at.toISOString()}`);

  it('fires a reminder before the due once as TaskDueSoonV1, to the owner of the personal workspace', async () => {
    const dueMs = Math.ceil(Date.now() / 1000) * 1000 + 3_600_000 + 2_000;
    const task = await (
      await post({ title: 'Call the dentist', due: local(dueMs), timeZone: 'UTC', reminders: [{ offset: '-PT1H' }] })
    ).json();
    const dueSoon = () => received.filter((m) => m.key === task.id && m.type === TASKS_EVENTS.TaskDueSoonV1.type);
    await vi.waitFor(() => expect(dueSoon()).toHaveLength(1), { timeout: 20_000, interval: 50 });
    expect(TASKS_EVENTS.TaskDueSoonV1.schema.parse(dueSoon()[0]!.payload)).toMatchObject({
      taskId: task.id,
      title: 'Call the dentist',
      workspaceId: `personal:${ANN.sub}`,
      due: { dateTime: local(dueMs), timeZone: 'UTC' },
      dueAt: new Date(dueMs - 3_600_000).toISOString().replace('.000Z', 'Z'),
      recipients: [ANN.sub],
    });
    // Issue 16 §5: a reminder "fires within 2 s of its time under normal load" — the bound is the
    // issue's, not a margin of ours (the engines poll every 500 ms; a plan made late counts as late).
    const fired = TASKS_EVENTS.TaskDueSoonV1.schema.parse(dueSoon()[0]!.payload);
    expect(Date.parse(fired.occurredAt) - Date.parse(fired.dueAt)).toBeLessThanOrEqual(2000);
    const lag = await platformMetricsRegistry.getSingleMetricAsString('scheduling_reminder_fire_lag_seconds');
    expect(Number(/_count(?:{[^}]*})? (\d+)/.exec(lag)?.[1])).toBeGreaterThanOrEqual(1);
    // More rounds of both engines, and two claims at once: nothing fires again.
    await Promise.all([
      infrastructure.reminders.fireDue(new Date().toISOString(), 100),
      infrastructure.reminders.fireDue(new Date().toISOString(), 100),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(dueSoon()).toHaveLength(1);
  });

  it('moves a pending reminder with the due, cancels it when the task is completed, forgets a deleted task', async () => {
    const dueMs = Math.ceil(Date.now() / 60_000) * 60_000 + 2 * 3_600_000;
    const task = await (
      await post({
        title: 'Renew passport',
        due: local(dueMs),
        timeZone: 'UTC',
        reminders: [{ offset: '-PT1H' }, { offset: '-PT15M' }],
      })
    ).json();
    const at = (ms: number) => new Date(ms).toISOString();
    const key = (due: number, offset: string) => `${task.id}|${local(due)}@UTC|offset:${offset}`;
    await vi.waitFor(
      async () =>
        expect(await pending(task.id)).toEqual([
          `${key(dueMs, '-PT15M')} ${at(dueMs - 900_000)}`,
          `${key(dueMs, '-PT1H')} ${at(dueMs - 3_600_000)}`,
        ]),
      { timeout: 10_000, interval: 50 },
    );
    const later = dueMs + 86_400_000;
    expect(
      (await send('PATCH', `${base}/${task.id}`, { due: local(later), reminders: [{ offset: '-PT1H' }] })).status,
    ).toBe(200);
    await vi.waitFor(
      async () => expect(await pending(task.id)).toEqual([`${key(later, '-PT1H')} ${at(later - 3_600_000)}`]),
      { timeout: 10_000, interval: 50 },
    );
    expect((await send('POST', `${base}/${task.id}/complete`, undefined)).status).toBe(200);
    await vi.waitFor(async () => expect(await pending(task.id)).toEqual([]), { timeout: 10_000, interval: 50 });
    const other = await (
      await post({ title: 'Water plants', due: local(dueMs), timeZone: 'UTC', reminders: [{ offset: '-PT1H' }] })
    ).json();
    await vi.waitFor(async () => expect(await pending(other.id)).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect((await send('DELETE', `${base}/${other.id}`, undefined)).status).toBe(204);
    await vi.waitFor(
      async () => {
        expect(await pending(other.id)).toEqual([]);
        const plans = await infrastructure.pool.query(`SELECT 1 FROM "tasks".task_reminder_plans WHERE task_id = $1`, [
          other.id,
        ]);
        expect(plans.rowCount).toBe(0);
      },
      { timeout: 10_000, interval: 50 },
    );
  });
});

describe('Idempotency-Keys of completions: stored with the completion, kept for the retention window', () => {
  const HOUR_MS = 3_600_000;
  const completeWith = (id: string, key: string) =>
    send('POST', `${base}/${id}/complete`, undefined, ann, { 'idempotency-key': key });
  /** Makes the stored key look `hours` old. */
  const age = (key: string, hours: number) =>
    infrastructure.pool.query(
      `UPDATE "tasks".task_idempotency_keys SET created_at = now() - make_interval(hours => $2) WHERE key = $1`,
      [key, hours],
    );
  const stored = async (key: string) =>
    (await infrastructure.pool.query(`SELECT 1 FROM "tasks".task_idempotency_keys WHERE key = $1`, [key])).rowCount;
  const completions = async (id: string) =>
    (
      await infrastructure.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "tasks".events WHERE stream_id = $1 AND event_type = 'TaskCompleted'`,
        [`task-${id}`],
      )
    ).rows[0]!.n;
  const prunedTotal = async () => {
    const text = await (await fetch(`${await app.getUrl()}/metrics`.replace('[::1]', '127.0.0.1'))).text();
    const sample = /^scheduling_idempotency_keys_pruned_total(?:\{[^}]*\})? (\d+)$/m.exec(text);
    expect(sample, text.slice(0, 2000)).not.toBeNull();
    return Number(sample![1]);
  };

  it('runs in the command role only, unless its interval is 0', () => {
    expect(commandApp.get(IdempotencyKeyRetentionJob)).toBeInstanceOf(IdempotencyKeyRetentionJob);
    const runs = (role: 'command' | 'query', intervalMs = 300_000) =>
      TasksModule.forRoot(infrastructure, {} as never, role, {
        idempotencyKeyRetention: { retentionMs: 24 * HOUR_MS, intervalMs },
      }).providers!.includes(IdempotencyKeyRetentionJob);
    expect([runs('command'), runs('query'), runs('command', 0)]).toEqual([true, false, false]);
  });

  it('deletes keys older than the window in batches and keeps younger ones: a retry inside it replays, after it is a new request', async () => {
    const expired = await (await post({ title: 'Completed two days ago' })).json();
    const young = await (await post({ title: 'Completed yesterday' })).json();
    const kExpired = `expired-${randomUUID()}`;
    const kYoung = `young-${randomUUID()}`;
    expect((await completeWith(expired.id, kExpired)).status).toBe(200);
    const first = await completeWith(young.id, kYoung);
    expect(first.status).toBe(200);
    const firstBody = await first.json();
    await age(kExpired, 25);
    await age(kYoung, 23);
    // More expired keys than one batch deletes, of another caller.
    const filler = PRUNE_BATCH * 2 + 500;
    await infrastructure.pool.query(
      `INSERT INTO "tasks".task_idempotency_keys (caller_id, key, fingerprint, answer, created_at)
       SELECT 'retention-test', 'filler-' || i, '{}', '{}', now() - interval '30 hours' FROM generate_series(1, $1) AS i`,
      [filler],
    );
    const before = await prunedTotal();

    const deleted = await app
      .get(CommandBus)
      .execute(new PruneIdempotencyKeysCommand(new Date().toISOString(), 24 * HOUR_MS));
    expect(deleted).toBe(filler + 1);
    expect(await prunedTotal()).toBe(before + filler + 1);
    expect(await stored(kExpired)).toBe(0);
    expect(await stored(kYoung)).toBe(1);
    const left = await infrastructure.pool.query(
      `SELECT 1 FROM "tasks".task_idempotency_keys WHERE caller_id = 'retention-test'`,
    );
    expect(left.rowCount).toBe(0);

    // Inside the window: reopened, then retried with its key → the first answer again, no second completion.
    expect((await send('PATCH', `${base}/${young.id}`, { status: 'todo' })).status).toBe(200);
    const replay = await completeWith(young.id, kYoung);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(firstBody);
    expect(await completions(young.id)).toBe(1);

    // After it: the same retry is a new request (completes the reopened task again, stores the key anew).
    expect((await send('PATCH', `${base}/${expired.id}`, { status: 'todo' })).status).toBe(200);
    const fresh = await completeWith(expired.id, kExpired);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
    expect(await fresh.json()).toMatchObject({ status: 'done', version: 4 });
    expect(await completions(expired.id)).toBe(2);
    expect(await stored(kExpired)).toBe(1);
  });

  it('stores the key in the transaction of the completion: a process stopped before the next occurrence leaves the key, and a retry after a reopen replays and creates the occurrence once', async () => {
    const task = await (
      await post({ title: 'Feed the cat', due: '2026-03-10', recurrence: { afterCompletion: { every: 1, unit: 'day' } } })
    ).json();
    const spawned = async () =>
      (
        await infrastructure.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "tasks".events WHERE event_type = 'TaskCreated' AND data->>'previousTaskId' = $1`,
          [task.id],
        )
      ).rows[0]!.n;
    // The "crash": appending the next occurrence fails after the completion's transaction committed.
    expect(task.id).toMatch(/^[0-9a-f-]{36}$/);
    await infrastructure.pool.query(`
      CREATE FUNCTION "tasks".stop_before_next_occurrence() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.event_type = 'TaskCreated' AND NEW.data->>'previousTaskId' = '${task.id}' THEN
          RAISE EXCEPTION 'process stopped (test)';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER stop_before_next_occurrence BEFORE INSERT ON "tasks".events
        FOR EACH ROW EXECUTE FUNCTION "tasks".stop_before_next_occurrence()`);
    const key = `crash-${randomUUID()}`;
    try {
      expect((await completeWith(task.id, key)).status).toBe(500);
    } finally {
      await infrastructure.pool.query(
        `DROP TRIGGER stop_before_next_occurrence ON "tasks".events; DROP FUNCTION "tasks".stop_before_next_occurrence()`,
      );
    }
    expect(await completions(task.id)).toBe(1);
    expect(await spawned()).toBe(0);
    expect(await stored(key)).toBe(1);

    expect((await send('PATCH', `${base}/${task.id}`, { status: 'todo' })).status).toBe(200);
    const retry = await completeWith(task.id, key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const body = await retry.json();
    expect(body).toMatchObject({ id: task.id, status: 'done', version: 2, nextTaskId: expect.any(String) });
    expect(await completions(task.id)).toBe(1);
    expect(await spawned()).toBe(1);
    expect(await (await get(`/${body.nextTaskId}?minVersion=1`)).json()).toMatchObject({
      title: 'Feed the cat',
      status: 'todo',
    });
    expect((await completeWith(task.id, key)).headers.get('idempotent-replayed')).toBe('true');
    expect(await spawned()).toBe(1);
  });

  it('finds the oldest keys of a batch through the created_at index', async () => {
    const client = await infrastructure.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT ctid FROM "tasks".task_idempotency_keys WHERE created_at < now() ORDER BY created_at LIMIT 1000`,
      );
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('task_idempotency_keys_created_at');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
