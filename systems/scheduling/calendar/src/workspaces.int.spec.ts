import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { platformSchemaSql } from '@archipelago/platform-event-store';
import { Messaging, type TransportKind } from '@archipelago/platform-messaging';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { CALENDAR_EVENTS, WORKSPACES_EVENTS } from '@archipelago/scheduling-contracts';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CALENDAR_DOMAIN_ERRORS, CalendarModule } from './calendar.module.js';
import {
  MEMBERSHIP_TOPICS,
  WorkspaceMembershipMessageHandler,
} from './handler/message/workspace-membership.message-handler.js';
import { migrateCalendar } from './repository/calendar.data-source.js';
import { CalendarInfrastructure } from './repository/calendar.infrastructure.js';
import { ReplanRemindersCommand } from './use-case/replan-reminders/replan-reminders.command.js';

// Component test of calendar's side of shared workspaces: the membership events tasks publishes
// (WorkspaceMember*V1, written here into a `tasks` outbox as tasks would) are consumed into
// calendar's read model, which then decides access on every calendar route. Real Postgres; real
// Kafka unless TEST_KAFKA=off (then the postgres transport reads the tasks outbox).
const transport: TransportKind = kafkaBrokers() ? 'kafka' : 'postgres';
const ANN = { sub: 'a7c1e0f2-6c1e-4f7a-8b5d-0e2c1a3b4d5f', roles: ['customer'] };
const BOB = { sub: 'b8d2f1a3-4b3d-4e5a-9f7c-1d0b2a3c4e5f', roles: ['customer'] };
const EVE = { sub: 'e9e3a2b4-1a2b-4c3d-8e9f-0a1b2c3d4e5f', roles: ['customer'] };
const WS = '5f0e4d3c-2b1a-4c9d-8e7f-6a5b4c3d2e1f';
let issuer: TestIssuer;
let ann: string;
let bob: string;
let eve: string;
let app: NestFastifyApplication;
let infrastructure: CalendarInfrastructure;
let tasks: Messaging;
let root: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const send = (method: string, path: string, token: string, body?: unknown) =>
  fetch(`${root}${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  }) as Promise<JsonResponse>;
const occurrencesOf = (token: string) =>
  send('GET', `/events/occurrences?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&workspaceId=${WS}`, token);

/** Publishes a membership event as tasks does (its outbox, key = workspace id). */
async function publish(userId: string, role: 'owner' | 'editor' | 'viewer' | null): Promise<void> {
  const occurredAt = new Date().toISOString();
  const event = role === null ? WORKSPACES_EVENTS.WorkspaceMemberRemovedV1 : WORKSPACES_EVENTS.WorkspaceMemberAddedV1;
  const payload =
    role === null ? { workspaceId: WS, userId, occurredAt } : { workspaceId: WS, userId, role, occurredAt };
  await tasks.outbox.add(infrastructure.pool, [{ topic: event.topic, type: event.type, key: WS, payload }]);
}

beforeAll(async () => {
  issuer = await startTestIssuer();
  [ann, bob, eve] = await Promise.all([ANN, BOB, EVE].map((u) => issuer.issue({ ...u, expiresInSec: 900 })));
  const url = await createTestDatabase('calendar_ws');
  await migrateCalendar(url, 'calendar');
  const brokers = transport === 'kafka' ? [kafkaBrokers()] : undefined;
  infrastructure = await CalendarInfrastructure.open({
    databaseUrl: url,
    schema: 'calendar',
    transport,
    kafkaBrokers: brokers,
  });
  await infrastructure.pool.query(`CREATE SCHEMA IF NOT EXISTS tasks; ${platformSchemaSql('tasks')}`);
  tasks = new Messaging({
    transport,
    kafkaBrokers: brokers,
    system: 'scheduling',
    service: 'tasks',
    schema: 'tasks',
    pool: infrastructure.pool,
    databaseUrl: url,
  });
  await infrastructure.messaging.ensureTopics([
    ...Object.values(CALENDAR_EVENTS).map((e) => e.topic),
    ...MEMBERSHIP_TOPICS,
  ]);
  await tasks.start();
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience, jwksCooldownMs: 0 };
  app = await createHttpApp(CalendarModule.forRoot(infrastructure, auth, 'all', { reminderPollMs: 0 }), {
    serviceName: 'calendar',
    config: { SERVICE_NAME: 'calendar', SYSTEM: 'scheduling', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'warn' },
    domainErrors: CALENDAR_DOMAIN_ERRORS,
    readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
    openapi: { title: 'calendar', version: '1' },
  });
  await infrastructure.start();
  const handler = app.get(WorkspaceMembershipMessageHandler);
  const group = `scheduling.calendar-test-${process.pid}`;
  await infrastructure.messaging.subscribe(group, [...MEMBERSHIP_TOPICS], (m) => handler.handle(m, group));
  await app.listen(0, '127.0.0.1');
  root = `${await app.getUrl()}/scheduling/v1`.replace('[::1]', '127.0.0.1');
}, 120_000);

afterAll(async () => {
  // tasks' messaging first: it shares the infrastructure's pool, which app.close() ends.
  await tasks?.close();
  await app?.close();
  await issuer?.close();
});

describe('scheduling/calendar: shared workspaces (membership consumed from tasks)', () => {
  it('a non-member gets 404 on every calendar route of the workspace until added; a viewer reads but cannot write (403)', async () => {
    const event = {
      workspaceId: WS,
      title: 'Planning',
      start: '2026-03-10T10:00:00',
      end: '2026-03-10T11:00:00',
      timeZone: 'Europe/Berlin',
    };
    expect((await send('POST', '/events', ann, event)).status).toBe(404);
    await publish(ANN.sub, 'owner');
    await publish(BOB.sub, 'viewer');
    await vi.waitFor(async () => expect((await occurrencesOf(bob)).status).toBe(200), {
      timeout: 30_000,
      interval: 100,
    });
    const made = await send('POST', '/events', ann, { ...event, attendees: [BOB.sub] });
    expect(made.status).toBe(201);
    const created = await made.json();
    const outsider = await send('POST', '/events', ann, { ...event, attendees: [EVE.sub] });
    expect(outsider.status).toBe(400);
    expect(JSON.stringify(await outsider.json())).toContain('attendees');
    expect((await send('POST', '/events', bob, event)).status).toBe(403);
    await vi.waitFor(
      async () => {
        const page = await (await occurrencesOf(bob)).json();
        expect(page.items.map((i: { eventId: string }) => i.eventId)).toContain(created.id);
      },
      { timeout: 10_000, interval: 100 },
    );
    const feed = await send('GET', `/calendars/${WS}.ics`, bob);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain(`UID:${created.id}`);
    for (const [method, path] of [
      ['GET', `/events/occurrences?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&workspaceId=${WS}`],
      ['GET', `/calendars/${WS}.ics`],
      ['POST', '/events'],
    ] as const) {
      const res = await send(method, path, eve, method === 'POST' ? event : undefined);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });

  it('a role change and a removal take effect once consumed', async () => {
    await publish(BOB.sub, 'editor');
    const event = {
      workspaceId: WS,
      title: 'By bob',
      start: '2026-03-11T10:00:00',
      end: '2026-03-11T11:00:00',
      timeZone: 'UTC',
    };
    await vi.waitFor(async () => expect((await send('POST', '/events', bob, event)).status).toBe(201), {
      timeout: 30_000,
      interval: 200,
    });
    await publish(BOB.sub, null);
    await vi.waitFor(async () => expect((await occurrencesOf(bob)).status).toBe(404), {
      timeout: 30_000,
      interval: 100,
    });
    expect((await occurrencesOf(ann)).status).toBe(200);
  });

  it('reminds the owners of a shared workspace of an event without attendees (as the membership read model says)', async () => {
    await publish(BOB.sub, 'owner');
    await vi.waitFor(
      async () => expect(await infrastructure.memberships.owners(WS)).toEqual([ANN.sub, BOB.sub].sort()),
      {
        timeout: 30_000,
        interval: 100,
      },
    );
    const soon = new Date(Date.now() + 3_600_000);
    const local = soon.toISOString().slice(0, 19);
    const end = new Date(soon.getTime() + 1_800_000).toISOString().slice(0, 19);
    const made = await send('POST', '/events', ann, {
      workspaceId: WS,
      title: 'Owners only',
      start: local,
      end,
      timeZone: 'UTC',
      reminders: [{ offset: '-PT15M' }],
    });
    expect(made.status).toBe(201);
    const { id } = await made.json();
    await vi.waitFor(
      async () => {
        await app.get(CommandBus).execute(new ReplanRemindersCommand(id, new Date().toISOString()));
        const { rows } = await infrastructure.pool.query(
          'SELECT recipients FROM calendar.reminders WHERE event_id = $1',
          [id],
        );
        expect(rows).toEqual([{ recipients: [ANN.sub, BOB.sub].sort() }]);
      },
      { timeout: 10_000, interval: 100 },
    );
    await publish(BOB.sub, null);
  });
});

describe('scheduling/calendar: per-user rotating feed tokens', () => {
  const feed = (url: string) => fetch(`${root.replace('/scheduling/v1', '')}${url}`) as Promise<JsonResponse>;

  it('a member rotates their token: the feed answers to the new one without a bearer token, not to the old one', async () => {
    await publish(ANN.sub, 'owner');
    await vi.waitFor(async () => expect((await occurrencesOf(ann)).status).toBe(200), {
      timeout: 30_000,
      interval: 100,
    });
    const first = await send('POST', `/calendars/${WS}/feed-token`, ann);
    expect(first.status).toBe(201);
    const one = await first.json();
    expect(one.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(one.url).toBe(`/scheduling/v1/calendars/${WS}.ics?token=${one.token}`);
    const ics = await feed(one.url);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    expect(await ics.text()).toContain('BEGIN:VCALENDAR');
    // Only the SHA-256 is stored.
    const { rows } = await infrastructure.pool.query('SELECT token_hash FROM calendar.feed_tokens WHERE user_id = $1', [
      ANN.sub,
    ]);
    expect(rows).toEqual([{ token_hash: createHash('sha256').update(one.token).digest('hex') }]);
    const two = await (await send('POST', `/calendars/${WS}/feed-token`, ann)).json();
    expect(two.token).not.toBe(one.token);
    expect((await feed(one.url)).status).toBe(404);
    expect((await feed(two.url)).status).toBe(200);
    // Another workspace's id with this token, a made-up token, neither token nor bearer.
    expect((await feed(`/scheduling/v1/calendars/personal:${ANN.sub}.ics?token=${two.token}`)).status).toBe(404);
    expect((await feed(`/scheduling/v1/calendars/${WS}.ics?token=${'A'.repeat(43)}`)).status).toBe(404);
    expect((await feed(`/scheduling/v1/calendars/${WS}.ics`)).status).toBe(401);
    expect((await feed(`/scheduling/v1/calendars/${WS}.ics?token=short`)).status).toBe(400);
  });

  it('a non-member cannot get a token (404); a member who leaves loses the feed with the token they kept', async () => {
    expect((await send('POST', `/calendars/${WS}/feed-token`, eve)).status).toBe(404);
    await publish(EVE.sub, 'viewer');
    await vi.waitFor(async () => expect((await occurrencesOf(eve)).status).toBe(200), {
      timeout: 30_000,
      interval: 100,
    });
    const { url } = await (await send('POST', `/calendars/${WS}/feed-token`, eve)).json();
    expect((await feed(url)).status).toBe(200);
    await publish(EVE.sub, null);
    await vi.waitFor(async () => expect((await feed(url)).status).toBe(404), { timeout: 30_000, interval: 100 });
  });
});
