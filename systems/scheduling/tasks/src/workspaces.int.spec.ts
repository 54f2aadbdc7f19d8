import 'reflect-metadata';
import { platformSchemaSql } from '@archipelago/platform-event-store';
import {
  CALENDAR_EVENTS,
  type MemberReminderDefaultsSetV1,
  WORKSPACES_EVENTS,
} from '@archipelago/scheduling-contracts';
import type { Reminder } from '@archipelago/util-calendar';
import { Messaging, type IncomingMessage, type TransportKind } from '@archipelago/platform-messaging';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MemberReminderDefaultsMessageHandler,
  REMINDER_DEFAULTS_TOPICS,
} from './handler/message/member-reminder-defaults.message-handler.js';
import { migrateTasks } from './repository/tasks.data-source.js';
import { TasksInfrastructure } from './repository/tasks.infrastructure.js';
import { TASKS_DOMAIN_ERRORS, TasksModule } from './tasks.module.js';
import { RunTaskRemindersCommand } from './use-case/run-task-reminders/run-task-reminders.command.js';

// Component test of shared workspaces: the real tasks module over HTTP on real Postgres, membership
// events through the outbox (real Kafka, or the postgres transport with TEST_KAFKA=off). Also tasks'
// copy of the members' default reminders: MemberReminderDefaultsSetV1 written into a `calendar` outbox
// as calendar does, consumed by the real handler (inbox), applied by POST /tasks.
const transport: TransportKind = kafkaBrokers() ? 'kafka' : 'postgres';
const ANN = { sub: 'a1f0c3e2-6c1e-4f7a-8b5d-0e2c1a3b4d5f', roles: ['customer'] };
const BOB = { sub: 'b2e8a6f1-4b3d-4e5a-9f7c-1d0b2a3c4e5f', roles: ['customer'] };
const EVE = { sub: 'e3d7b5c4-1a2b-4c3d-8e9f-0a1b2c3d4e5f', roles: ['customer'] };
let issuer: TestIssuer;
let ann: string;
let bob: string;
let eve: string;
let app: NestFastifyApplication;
let commandApp: NestFastifyApplication;
let queryApp: NestFastifyApplication;
let infrastructure: TasksInfrastructure;
let listener: Messaging;
let calendar: Messaging;
let root: string;
const received: IncomingMessage[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const send = (method: string, path: string, token: string, body?: unknown, at = root) =>
  fetch(`${at}${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  }) as Promise<JsonResponse>;
const get = (path: string, token: string) => send('GET', path, token);

beforeAll(async () => {
  issuer = await startTestIssuer();
  [ann, bob, eve] = await Promise.all([ANN, BOB, EVE].map((u) => issuer.issue({ ...u, expiresInSec: 900 })));
  const url = await createTestDatabase('tasks_ws');
  await migrateTasks(url, 'tasks');
  const brokers = transport === 'kafka' ? [kafkaBrokers()] : undefined;
  infrastructure = await TasksInfrastructure.open({
    databaseUrl: url,
    schema: 'tasks',
    transport,
    kafkaBrokers: brokers,
  });
  const topics = Object.values(WORKSPACES_EVENTS).map((e) => e.topic);
  await infrastructure.messaging.ensureTopics([...topics, ...REMINDER_DEFAULTS_TOPICS]);
  await infrastructure.pool.query(`CREATE SCHEMA IF NOT EXISTS calendar; ${platformSchemaSql('calendar')}`);
  calendar = new Messaging({
    transport,
    kafkaBrokers: brokers,
    system: 'scheduling',
    service: 'calendar',
    schema: 'calendar',
    pool: infrastructure.pool,
    databaseUrl: url,
  });
  await calendar.start();
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
  root = `${await app.getUrl()}/scheduling/v1`.replace('[::1]', '127.0.0.1');
  listener = new Messaging({
    transport,
    kafkaBrokers: brokers,
    system: 'scheduling',
    service: 'ws-listener',
    schema: 'tasks',
    pool: infrastructure.pool,
    databaseUrl: url,
  });
  await listener.subscribe('scheduling.test-ws-listener', topics, async (m) => {
    received.push(m);
  });
  const defaults = app.get(MemberReminderDefaultsMessageHandler);
  const group = `scheduling.tasks-test-${process.pid}`;
  await infrastructure.messaging.subscribe(group, [...REMINDER_DEFAULTS_TOPICS], (m) => defaults.handle(m, group));
}, 120_000);

afterAll(async () => {
  await calendar?.close();
  await listener?.close();
  await app?.close();
  await commandApp?.close();
  await queryApp?.close();
  await issuer?.close();
});

/** A new workspace of ann's with bob as `role`. */
async function teamWith(role: 'editor' | 'viewer'): Promise<{ id: string; version: number }> {
  const created = await send('POST', '/workspaces', ann, { name: 'Team' });
  expect(created.status).toBe(201);
  const { id } = await created.json();
  const added = await send('POST', `/workspaces/${id}/members`, ann, { userId: BOB.sub, role });
  expect(added.status).toBe(200);
  return { id, version: (await added.json()).version };
}

describe('scheduling/tasks: shared workspaces', () => {
  it('creates a workspace with its creator as owner; members list it, others get 404', async () => {
    const res = await send('POST', '/workspaces', ann, { name: ' Team Alpha ' });
    expect(res.status).toBe(201);
    const ws = await res.json();
    expect(ws).toMatchObject({
      name: 'Team Alpha',
      personal: false,
      version: 2,
      members: [{ userId: ANN.sub, role: 'owner' }],
    });
    expect(res.headers.get('location')).toBe(`/scheduling/v1/workspaces/${ws.id}`);
    const read = await get(`/workspaces/${ws.id}?minVersion=2`, ann);
    expect(read.status).toBe(200);
    expect((await read.json()).members).toEqual([{ userId: ANN.sub, role: 'owner' }]);
    expect((await get(`/workspaces/${ws.id}?minVersion=2`, eve)).status).toBe(404);
    const mine = await (await get('/workspaces', ann)).json();
    expect(mine.items[0]).toMatchObject({ id: `personal:${ANN.sub}`, personal: true, role: 'owner' });
    expect(mine.items.map((w: { id: string }) => w.id)).toContain(ws.id);
    const eves = await (await get('/workspaces', eve)).json();
    expect(eves.items.map((w: { id: string }) => w.id)).not.toContain(ws.id);
  });

  it('a viewer reads tasks but cannot write (403); a non-member gets 404 on every route; lists never show it', async () => {
    const ws = await teamWith('viewer');
    const task = await (await send('POST', '/tasks', ann, { workspaceId: ws.id, title: 'Shared' })).json();
    expect(task.workspaceId).toBe(ws.id);
    expect((await get(`/tasks/${task.id}?minVersion=1`, bob)).status).toBe(200);
    const page = await (await get(`/tasks?workspaceId=${ws.id}`, bob)).json();
    expect(page.items.map((t: { id: string }) => t.id)).toEqual([task.id]);
    expect((await send('PATCH', `/tasks/${task.id}`, bob, { title: 'Mine' })).status).toBe(403);
    expect((await send('POST', `/tasks/${task.id}/complete`, bob, {})).status).toBe(403);
    expect((await send('DELETE', `/tasks/${task.id}`, bob)).status).toBe(403);
    expect((await send('POST', '/tasks', bob, { workspaceId: ws.id, title: 'x' })).status).toBe(403);
    expect((await send('POST', `/workspaces/${ws.id}/members`, bob, { userId: EVE.sub, role: 'viewer' })).status).toBe(
      403,
    );
    for (const [method, path, body] of [
      ['GET', `/tasks/${task.id}?minVersion=1`],
      ['GET', `/tasks?workspaceId=${ws.id}`],
      ['GET', `/tasks/next?workspaceId=${ws.id}`],
      ['GET', `/workspaces/${ws.id}`],
      ['PATCH', `/tasks/${task.id}`, { title: 'x' }],
      ['POST', `/tasks/${task.id}/complete`, {}],
      ['DELETE', `/tasks/${task.id}`],
      ['POST', '/tasks', { workspaceId: ws.id, title: 'x' }],
      ['PATCH', `/workspaces/${ws.id}`, { name: 'x' }],
      ['DELETE', `/workspaces/${ws.id}`],
      ['POST', `/workspaces/${ws.id}/members`, { userId: EVE.sub, role: 'owner' }],
      ['PATCH', `/workspaces/${ws.id}/members/${BOB.sub}`, { role: 'owner' }],
      ['DELETE', `/workspaces/${ws.id}/members/${BOB.sub}`],
    ] as const) {
      const res = await send(method, path, eve, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('an editor writes; the assignee must be a member (400 otherwise)', async () => {
    const ws = await teamWith('editor');
    const made = await send('POST', '/tasks', bob, { workspaceId: ws.id, title: 'By bob', assigneeId: ANN.sub });
    expect(made.status).toBe(201);
    const task = await made.json();
    expect((await send('PATCH', `/tasks/${task.id}`, bob, { priority: 1 })).status).toBe(200);
    const outsider = await send('PATCH', `/tasks/${task.id}`, ann, { assigneeId: EVE.sub });
    expect(outsider.status).toBe(400);
    expect(JSON.stringify(await outsider.json())).toContain('assigneeId');
  });

  it('reminds the owners of a shared workspace of a task without an assignee', async () => {
    const created = await send('POST', '/workspaces', ann, { name: 'Owners' });
    const { id } = await created.json();
    expect((await send('POST', `/workspaces/${id}/members`, ann, { userId: BOB.sub, role: 'owner' })).status).toBe(200);
    expect((await send('POST', `/workspaces/${id}/members`, ann, { userId: EVE.sub, role: 'editor' })).status).toBe(
      200,
    );
    const due = new Date(Date.now() + 2 * 3_600_000).toISOString().slice(0, 19);
    const made = await send('POST', '/tasks', ann, {
      workspaceId: id,
      title: 'Unassigned',
      due,
      timeZone: 'UTC',
      reminders: [{ offset: '-PT1H' }],
    });
    expect(made.status).toBe(201);
    const task = await made.json();
    await vi.waitFor(
      async () => {
        await app.get(CommandBus).execute(new RunTaskRemindersCommand(new Date().toISOString()));
        const { rows } = await infrastructure.pool.query(
          'SELECT recipients FROM "tasks".task_reminders WHERE task_id = $1 AND fired_at IS NULL',
          [task.id],
        );
        expect(rows).toEqual([{ recipients: [ANN.sub, BOB.sub].sort() }]);
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('changes roles and removes members; the last owner can neither go nor be demoted (409)', async () => {
    const ws = await teamWith('viewer');
    const promoted = await send('PATCH', `/workspaces/${ws.id}/members/${BOB.sub}`, ann, { role: 'editor' });
    expect(promoted.status).toBe(200);
    expect((await promoted.json()).members).toContainEqual({ userId: BOB.sub, role: 'editor' });
    expect((await send('DELETE', `/workspaces/${ws.id}/members/${ANN.sub}`, ann)).status).toBe(409);
    expect((await send('PATCH', `/workspaces/${ws.id}/members/${ANN.sub}`, ann, { role: 'viewer' })).status).toBe(409);
    expect((await send('POST', `/workspaces/${ws.id}/members`, ann, { userId: BOB.sub, role: 'viewer' })).status).toBe(
      409,
    );
    const bad = await send('POST', `/workspaces/${ws.id}/members`, ann, { userId: '', role: 'admin' });
    expect(bad.status).toBe(400);
    const task = await (await send('POST', '/tasks', ann, { workspaceId: ws.id, title: 'Before bob left' })).json();
    // bob leaves: from then on the workspace and its tasks are 404 for him.
    expect((await send('DELETE', `/workspaces/${ws.id}/members/${BOB.sub}`, bob)).status).toBe(204);
    expect((await send('PATCH', `/tasks/${task.id}`, bob, { title: 'x' })).status).toBe(404);
    expect((await get(`/tasks?workspaceId=${ws.id}`, bob)).status).toBe(404);
    const bobs = await (await get('/workspaces', bob)).json();
    await vi.waitFor(async () => {
      const now = await (await get('/workspaces', bob)).json();
      expect(now.items.map((w: { id: string }) => w.id)).not.toContain(ws.id);
    });
    expect(bobs.items[0].personal).toBe(true);
  });

  it('renames and deletes (owners only); a personal workspace cannot be shared (409)', async () => {
    const ws = await teamWith('editor');
    expect((await send('PATCH', `/workspaces/${ws.id}`, bob, { name: 'Bob’s' })).status).toBe(403);
    const renamed = await send('PATCH', `/workspaces/${ws.id}`, ann, { name: 'Renamed' });
    expect(await renamed.json()).toMatchObject({ name: 'Renamed', version: 4 });
    expect((await send('DELETE', `/workspaces/${ws.id}`, bob)).status).toBe(403);
    expect((await send('DELETE', `/workspaces/${ws.id}`, ann)).status).toBe(204);
    expect((await send('POST', '/tasks', ann, { workspaceId: ws.id, title: 'x' })).status).toBe(404);
    expect((await get(`/workspaces/${ws.id}?minVersion=5`, ann)).status).toBe(404);
    const personal = `personal:${ANN.sub}`;
    expect(
      (
        await send('POST', `/workspaces/${encodeURIComponent(personal)}/members`, ann, {
          userId: BOB.sub,
          role: 'viewer',
        })
      ).status,
    ).toBe(409);
    expect((await get(`/workspaces/${encodeURIComponent(personal)}`, ann)).status).toBe(200);
    expect((await get(`/workspaces/${encodeURIComponent(personal)}`, bob)).status).toBe(404);
  });

  it('publishes WorkspaceMemberAddedV1 (also for a role change) and WorkspaceMemberRemovedV1 (also on delete)', async () => {
    const ws = await teamWith('viewer');
    await send('PATCH', `/workspaces/${ws.id}/members/${BOB.sub}`, ann, { role: 'editor' });
    await send('DELETE', `/workspaces/${ws.id}`, ann);
    await vi.waitFor(() => expect(received.filter((m) => m.key === ws.id)).toHaveLength(5), {
      timeout: 30_000,
      interval: 100,
    });
    const ofWs = received.filter((m) => m.key === ws.id);
    const added = ofWs
      .filter((m) => m.type === WORKSPACES_EVENTS.WorkspaceMemberAddedV1.type)
      .map((m) => WORKSPACES_EVENTS.WorkspaceMemberAddedV1.schema.parse(m.payload));
    expect(added.map((a) => [a.userId, a.role])).toEqual([
      [ANN.sub, 'owner'],
      [BOB.sub, 'viewer'],
      [BOB.sub, 'editor'],
    ]);
    const removed = ofWs
      .filter((m) => m.type === WORKSPACES_EVENTS.WorkspaceMemberRemovedV1.type)
      .map((m) => WORKSPACES_EVENTS.WorkspaceMemberRemovedV1.schema.parse(m.payload).userId);
    expect(removed.sort()).toEqual([ANN.sub, BOB.sub].sort());
  });

  it('runs the roles apart: workspace writes only on the command role, reads only on the query role', async () => {
    const command = `${await commandApp.getUrl()}/scheduling/v1`.replace('[::1]', '127.0.0.1');
    const query = `${await queryApp.getUrl()}/scheduling/v1`.replace('[::1]', '127.0.0.1');
    const made = await send('POST', '/workspaces', ann, { name: 'Split' }, command);
    expect(made.status).toBe(201);
    const { id } = await made.json();
    expect([404, 405]).toContain((await send('POST', '/workspaces', ann, { name: 'x' }, query)).status);
    expect([404, 405]).toContain((await send('GET', `/workspaces/${id}`, ann, undefined, command)).status);
    expect((await send('GET', `/workspaces/${id}?minVersion=2`, ann, undefined, query)).status).toBe(200);
  });
});

/** Publishes a member's defaults as calendar does (its outbox, key = workspace id). */
async function publish(workspaceId: string, userId: string, defaultReminders: Reminder[], version: number) {
  const { topic, type } = CALENDAR_EVENTS.MemberReminderDefaultsSetV1;
  const at = new Date().toISOString();
  const payload: MemberReminderDefaultsSetV1 = {
    workspaceId,
    userId,
    defaultReminders,
    version,
    updatedAt: at,
    occurredAt: at,
  };
  const [id] = await calendar.outbox.add(infrastructure.pool, [{ topic, type, key: workspaceId, payload }]);
  return id!;
}
/** Waits until tasks' consumer has taken message `id` (its inbox row commits with the effect). */
const consumed = (id: string) =>
  vi.waitFor(
    async () =>
      expect((await infrastructure.pool.query('SELECT 1 FROM tasks.inbox WHERE message_id = $1', [id])).rowCount).toBe(
        1,
      ),
    { timeout: 15_000, interval: 50 },
  );
const defaultsOf = (workspaceId: string, userId: string) =>
  infrastructure.reminderDefaults.defaultsOf(workspaceId, userId);
/** The reminders of a task created by `token` without a `reminders` key. */
async function remindersOfNewTask(token: string, body: Record<string, unknown>): Promise<unknown> {
  const res = await send('POST', '/tasks', token, { title: 'Task', ...body });
  expect(res.status).toBe(201);
  return (await res.json()).reminders;
}

describe('scheduling/tasks: the creator’s default reminders (from calendar’s MemberReminderDefaultsSetV1)', () => {
  it('a task created without reminders gets its creator’s defaults once consumed; an explicit list wins; no due: only absolute ones', async () => {
    const personal = `personal:${ANN.sub}`;
    expect(await remindersOfNewTask(ann, { due: '2026-03-10' })).toEqual([]);
    const mine = [{ offset: '-PT15M' }, { at: '2026-03-09T08:00:00Z' }];
    await publish(personal, ANN.sub, mine, 1);
    await vi.waitFor(async () => expect(await defaultsOf(personal, ANN.sub)).toEqual(mine), {
      timeout: 15_000,
      interval: 50,
    });
    expect(await remindersOfNewTask(ann, { due: '2026-03-10' })).toEqual(mine);
    expect(await remindersOfNewTask(ann, { due: '2026-03-10', reminders: [] })).toEqual([]);
    expect(await remindersOfNewTask(ann, { due: '2026-03-10', reminders: [{ offset: '-P1D' }] })).toEqual([
      { offset: '-P1D' },
    ]);
    expect(await remindersOfNewTask(ann, {})).toEqual([{ at: '2026-03-09T08:00:00Z' }]);
    // Another user's personal workspace has none.
    expect(await remindersOfNewTask(bob, { due: '2026-03-10' })).toEqual([]);
  });

  it('keeps the highest version: an older change arriving later is ignored; a message is applied once', async () => {
    const personal = `personal:${BOB.sub}`;
    await publish(personal, BOB.sub, [{ offset: '-PT5M' }], 7);
    await publish(personal, BOB.sub, [{ offset: '-PT99M' }], 6);
    await publish(personal, BOB.sub, [{ offset: '-PT10M' }], 8);
    await vi.waitFor(async () => expect(await defaultsOf(personal, BOB.sub)).toEqual([{ offset: '-PT10M' }]), {
      timeout: 15_000,
      interval: 50,
    });
    await consumed(await publish(personal, BOB.sub, [{ offset: '-PT1M' }], 5));
    expect(await defaultsOf(personal, BOB.sub)).toEqual([{ offset: '-PT10M' }]);
    expect(await remindersOfNewTask(bob, { due: '2026-03-10' })).toEqual([{ offset: '-PT10M' }]);
    const inbox = { consumerGroup: 'scheduling.tasks-once', messageId: 'm-1', topic: REMINDER_DEFAULTS_TOPICS[0] };
    const change = {
      workspaceId: 'w',
      userId: 'u',
      defaultReminders: [{ offset: '-PT1M' }],
      version: 1,
      updatedAt: new Date().toISOString(),
    };
    expect(await infrastructure.reminderDefaults.record(change, inbox)).toBe(true);
    expect(await infrastructure.reminderDefaults.record({ ...change, version: 2 }, inbox)).toBe(false);
    expect(await defaultsOf('w', 'u')).toEqual([{ offset: '-PT1M' }]);
  });

  it('a member removed from a shared workspace loses the copy at once; after a return, a newer list from calendar applies', async () => {
    const created = await send('POST', '/workspaces', ann, { name: 'Team' });
    const { id } = await created.json();
    expect((await send('POST', `/workspaces/${id}/members`, ann, { userId: BOB.sub, role: 'editor' })).status).toBe(
      200,
    );
    await publish(id, BOB.sub, [{ offset: '-PT20M' }], 20);
    await vi.waitFor(async () => expect(await defaultsOf(id, BOB.sub)).toEqual([{ offset: '-PT20M' }]), {
      timeout: 15_000,
      interval: 50,
    });
    expect(await remindersOfNewTask(bob, { workspaceId: id, due: '2026-03-10' })).toEqual([{ offset: '-PT20M' }]);
    expect((await send('DELETE', `/workspaces/${id}/members/${BOB.sub}`, ann)).status).toBe(204);
    // Cleared in the transaction of the removal, not when calendar's clearing arrives.
    expect(await defaultsOf(id, BOB.sub)).toEqual([]);
    expect((await send('POST', `/workspaces/${id}/members`, ann, { userId: BOB.sub, role: 'editor' })).status).toBe(
      200,
    );
    expect(await remindersOfNewTask(bob, { workspaceId: id, due: '2026-03-10' })).toEqual([]);
    await publish(id, BOB.sub, [{ offset: '-PT25M' }], 21);
    await vi.waitFor(async () => expect(await defaultsOf(id, BOB.sub)).toEqual([{ offset: '-PT25M' }]), {
      timeout: 15_000,
      interval: 50,
    });
  });
});
