import 'reflect-metadata';
import { platformSchemaSql } from '@archipelago/platform-event-store';
import { Messaging, type TransportKind } from '@archipelago/platform-messaging';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { CALENDAR_EVENTS, type MemberReminderDefaultsSetV1 } from '@archipelago/scheduling-contracts';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import type { Reminder } from '@archipelago/util-calendar';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MemberReminderDefaultsMessageHandler,
  REMINDER_DEFAULTS_TOPICS,
} from './handler/message/member-reminder-defaults.message-handler.js';
import { migrateTasks } from './repository/tasks.data-source.js';
import { TasksInfrastructure } from './repository/tasks.infrastructure.js';
import { TASKS_DOMAIN_ERRORS, TasksModule } from './tasks.module.js';

// Component test of tasks' copy of the members' default reminders: MemberReminderDefaultsSetV1 written
// into a `calendar` outbox as calendar does, consumed by the real handler (inbox) into
// `member_reminder_defaults`, applied by POST /tasks. Real Postgres; real Kafka unless TEST_KAFKA=off
// (then the postgres transport reads the calendar outbox).
const transport: TransportKind = kafkaBrokers() ? 'kafka' : 'postgres';
const ANN = { sub: 'a4c2e0f1-6c1e-4f7a-8b5d-0e2c1a3b4d5f', roles: ['customer'] };
const BOB = { sub: 'b5d3f1a2-4b3d-4e5a-9f7c-1d0b2a3c4e5f', roles: ['customer'] };
let issuer: TestIssuer;
let ann: string;
let bob: string;
let app: NestFastifyApplication;
let infrastructure: TasksInfrastructure;
let calendar: Messaging;
let root: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const send = (method: string, path: string, token: string, body?: unknown) =>
  fetch(`${root}${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  }) as Promise<JsonResponse>;

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

beforeAll(async () => {
  issuer = await startTestIssuer();
  [ann, bob] = await Promise.all([ANN, BOB].map((u) => issuer.issue({ ...u, expiresInSec: 900 })));
  const url = await createTestDatabase('tasks_defaults');
  await migrateTasks(url, 'tasks');
  const brokers = transport === 'kafka' ? [kafkaBrokers()] : undefined;
  infrastructure = await TasksInfrastructure.open({
    databaseUrl: url,
    schema: 'tasks',
    transport,
    kafkaBrokers: brokers,
  });
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
  await infrastructure.messaging.ensureTopics([...REMINDER_DEFAULTS_TOPICS]);
  await calendar.start();
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience, jwksCooldownMs: 0 };
  app = await createHttpApp(TasksModule.forRoot(infrastructure, auth, 'all', { reminderPollMs: 0 }), {
    serviceName: 'tasks',
    config: { SERVICE_NAME: 'tasks', SYSTEM: 'scheduling', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'warn' },
    domainErrors: TASKS_DOMAIN_ERRORS,
    readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
    openapi: { title: 'tasks', version: '1' },
  });
  await infrastructure.start();
  const handler = app.get(MemberReminderDefaultsMessageHandler);
  const group = `scheduling.tasks-test-${process.pid}`;
  await infrastructure.messaging.subscribe(group, [...REMINDER_DEFAULTS_TOPICS], (m) => handler.handle(m, group));
  await app.listen(0, '127.0.0.1');
  root = `${await app.getUrl()}/scheduling/v1`.replace('[::1]', '127.0.0.1');
}, 120_000);

afterAll(async () => {
  // calendar's messaging first: it shares the infrastructure's pool, which app.close() ends.
  await calendar?.close();
  await app?.close();
  await issuer?.close();
});

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
