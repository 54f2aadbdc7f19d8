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
import type { QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CALENDAR_DOMAIN_ERRORS, CalendarModule } from './calendar.module.js';
import {
  MEMBERSHIP_TOPICS,
  WorkspaceMembershipMessageHandler,
} from './handler/message/workspace-membership.message-handler.js';
import { migrateCalendar } from './repository/calendar.data-source.js';
import { CalendarInfrastructure } from './repository/calendar.infrastructure.js';
import { calendarWorkspaceMembersMigration } from './repository/migrations/1796700000000-calendar-workspace-members.migration.js';
import { calendarWorkspaceSettingsMigration } from './repository/migrations/1796900000000-calendar-workspace-settings.migration.js';
import { calendarMemberSettingsMigration } from './repository/migrations/1797000000000-calendar-member-settings.migration.js';
import { calendarMemberSettingsVersionMigration } from './repository/migrations/1797100000000-calendar-member-settings-version.migration.js';
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
    // A viewer is a member too: they may keep default reminders of their own (for when they can write).
    const viewers = await send('PUT', `/calendars/${WS}/settings`, bob, { defaultReminders: [{ offset: '-PT30M' }] });
    expect(viewers.status).toBe(200);
    expect(await (await send('GET', `/calendars/${WS}/settings`, bob)).json()).toMatchObject({
      userId: BOB.sub,
      defaultReminders: [{ offset: '-PT30M' }],
    });
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
    // A series in the workspace, visible to its members, so that each 404 below is the membership's.
    const series = await (
      await send('POST', '/events', ann, { ...event, title: 'Series', rrule: 'FREQ=DAILY;COUNT=3' })
    ).json();
    const one = `/events/${series.id}`;
    await vi.waitFor(async () => expect((await send('GET', one, bob)).status).toBe(200), {
      timeout: 10_000,
      interval: 100,
    });
    const move = { start: '2026-03-11T12:00:00', end: '2026-03-11T13:00:00' };
    const requests: readonly (readonly [string, string, unknown?])[] = [
      ['GET', `/events/occurrences?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&workspaceId=${WS}`],
      ['GET', `/calendars/${WS}.ics`],
      ['POST', '/events', event],
      ['GET', `/calendars/${WS}/settings`],
      ['PUT', `/calendars/${WS}/settings`, { defaultReminders: [{ offset: '-PT5M' }] }],
      ['GET', one],
      ['PATCH', one, { title: 'Taken over' }],
      ['PUT', `${one}/occurrences/2026-03-11T10:00:00`, move],
      ['DELETE', `${one}/occurrences/2026-03-11T10:00:00`],
      ['DELETE', one],
    ];
    for (const [method, path, body] of requests) {
      const res = await send(method, path, eve, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type'), `${method} ${path}`).toContain('application/problem+json');
      expect(await res.json(), `${method} ${path}`).toMatchObject({ status: 404 });
    }
    // None of those touched the series or the outsider's settings.
    const after = await send('GET', one, ann);
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ title: 'Series', version: series.version });
    const { rows } = await infrastructure.pool.query('SELECT 1 FROM calendar.member_settings WHERE user_id = $1', [
      EVE.sub,
    ]);
    expect(rows).toEqual([]);
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
    // Default reminders are per member: an editor sets theirs, the owner theirs, and each one's new
    // events get their creator's list.
    const settings = `/calendars/${WS}/settings`;
    const bobs = await send('PUT', settings, bob, { defaultReminders: [{ offset: '-PT5M' }] });
    expect(bobs.status).toBe(200);
    expect(await bobs.json()).toMatchObject({
      workspaceId: WS,
      userId: BOB.sub,
      defaultReminders: [{ offset: '-PT5M' }],
    });
    expect(await (await send('GET', settings, ann)).json()).toMatchObject({
      userId: ANN.sub,
      defaultReminders: [],
      updatedAt: null,
    });
    expect(
      (await send('PUT', settings, ann, { defaultReminders: [{ offset: '-PT1H' }, { offset: '-P1D' }] })).status,
    ).toBe(200);
    expect(await (await send('GET', settings, bob)).json()).toMatchObject({
      userId: BOB.sub,
      defaultReminders: [{ offset: '-PT5M' }],
    });
    expect(await (await send('GET', settings, ann)).json()).toMatchObject({
      userId: ANN.sub,
      defaultReminders: [{ offset: '-PT1H' }, { offset: '-P1D' }],
    });
    const byBob = await send('POST', '/events', bob, { ...event, title: 'Defaulted' });
    expect((await byBob.json()).reminders).toEqual([{ offset: '-PT5M' }]);
    const byAnn = await send('POST', '/events', ann, { ...event, title: 'Defaulted too' });
    expect((await byAnn.json()).reminders).toEqual([{ offset: '-PT1H' }, { offset: '-P1D' }]);
    // Her personal workspace is another workspace: her list here does not follow her there.
    const personal = await send('POST', '/events', ann, { ...event, workspaceId: undefined, title: 'Personal' });
    expect((await personal.json()).reminders).toEqual([]);
    await publish(BOB.sub, null);
    await vi.waitFor(async () => expect((await occurrencesOf(bob)).status).toBe(404), {
      timeout: 30_000,
      interval: 100,
    });
    expect((await occurrencesOf(ann)).status).toBe(200);
    // Leaving took bob's settings with him (a later return starts with none); ann keeps hers.
    const kept = await infrastructure.pool.query(
      'SELECT user_id FROM calendar.member_settings WHERE workspace_id = $1 ORDER BY user_id',
      [WS],
    );
    expect(kept.rows).toEqual([{ user_id: ANN.sub }]);
    // Each change, and the clearing on leaving, went to the outbox for tasks (MemberReminderDefaultsSetV1,
    // key = workspace), with versions that only grow.
    const { MemberReminderDefaultsSetV1 } = CALENDAR_EVENTS;
    const published = (
      await infrastructure.pool.query(
        'SELECT payload FROM calendar.outbox WHERE message_type = $1 AND message_key = $2 ORDER BY position',
        [MemberReminderDefaultsSetV1.type, WS],
      )
    ).rows.map((r) => MemberReminderDefaultsSetV1.schema.parse(r.payload));
    expect(published.slice(-3).map(({ userId, defaultReminders }) => ({ userId, defaultReminders }))).toEqual([
      { userId: BOB.sub, defaultReminders: [{ offset: '-PT5M' }] },
      { userId: ANN.sub, defaultReminders: [{ offset: '-PT1H' }, { offset: '-P1D' }] },
      { userId: BOB.sub, defaultReminders: [] },
    ]);
    const versions = published.map((p) => p.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('concurrent changes of one member’s defaults: the list kept is the one published with the highest version', async () => {
    const settings = `/calendars/${WS}/settings`;
    const puts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        send('PUT', settings, ann, { defaultReminders: [{ offset: `-PT${i + 1}M` }] }),
      ),
    );
    expect(puts.map((r) => r.status)).toEqual(puts.map(() => 200));
    const { MemberReminderDefaultsSetV1 } = CALENDAR_EVENTS;
    const published = (
      await infrastructure.pool.query(
        `SELECT payload FROM calendar.outbox WHERE message_type = $1 AND payload->>'userId' = $2 AND message_key = $3`,
        [MemberReminderDefaultsSetV1.type, ANN.sub, WS],
      )
    ).rows.map((r) => MemberReminderDefaultsSetV1.schema.parse(r.payload));
    const newest = published.reduce((a, b) => (b.version > a.version ? b : a));
    const { rows } = await infrastructure.pool.query(
      'SELECT default_reminders, version FROM calendar.member_settings WHERE workspace_id = $1 AND user_id = $2',
      [WS, ANN.sub],
    );
    expect(rows).toEqual([{ default_reminders: newest.defaultReminders, version: String(newest.version) }]);
    expect(await (await send('GET', settings, ann)).json()).toMatchObject({
      defaultReminders: newest.defaultReminders,
    });
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

describe('scheduling/calendar: the move from workspace settings to member settings (migration 1797000000000)', () => {
  it('gives each existing list to everyone it applied to: a personal workspace’s user, a shared one’s current members; down keeps the latest per workspace', async () => {
    const schema = `settings_migration_${process.pid}`;
    const runner = { query: (sql: string) => infrastructure.pool.query(sql) } as unknown as QueryRunner;
    const q = (sql: string, values?: unknown[]) => infrastructure.pool.query(sql, values);
    await q(`CREATE SCHEMA "${schema}"`);
    await new (calendarWorkspaceMembersMigration(schema))().up(runner);
    await new (calendarWorkspaceSettingsMigration(schema))().up(runner);
    await q(`INSERT INTO "${schema}".workspace_members VALUES ($1, $2, 'owner'), ($1, $3, 'viewer')`, [
      WS,
      ANN.sub,
      BOB.sub,
    ]);
    await q(
      `INSERT INTO "${schema}".workspace_settings VALUES
         ($1, '[{"offset":"-PT5M"}]', $2, '2026-03-01T09:00:00Z'),
         ($3, '[{"offset":"-P1D"}]', $4, '2026-03-02T09:00:00Z')`,
      [WS, ANN.sub, `personal:${EVE.sub}`, EVE.sub],
    );
    const migration = new (calendarMemberSettingsMigration(schema))();
    await migration.up(runner);
    const { rows } = await q(
      `SELECT workspace_id, user_id, default_reminders FROM "${schema}".member_settings ORDER BY workspace_id, user_id`,
    );
    expect(rows).toEqual(
      [
        { workspace_id: WS, user_id: ANN.sub, default_reminders: [{ offset: '-PT5M' }] },
        { workspace_id: WS, user_id: BOB.sub, default_reminders: [{ offset: '-PT5M' }] },
        { workspace_id: `personal:${EVE.sub}`, user_id: EVE.sub, default_reminders: [{ offset: '-P1D' }] },
      ].sort((a, b) => (a.workspace_id + a.user_id < b.workspace_id + b.user_id ? -1 : 1)),
    );
    expect((await q(`SELECT to_regclass('"${schema}".workspace_settings') AS t`)).rows).toEqual([{ t: null }]);
    await q(`UPDATE "${schema}".member_settings SET default_reminders = '[]', updated_at = now() WHERE user_id = $1`, [
      BOB.sub,
    ]);
    await migration.down(runner);
    const back = await q(
      `SELECT workspace_id, default_reminders, updated_by FROM "${schema}".workspace_settings ORDER BY workspace_id`,
    );
    expect(back.rows).toEqual(
      [
        { workspace_id: WS, default_reminders: [], updated_by: BOB.sub },
        { workspace_id: `personal:${EVE.sub}`, default_reminders: [{ offset: '-P1D' }], updated_by: EVE.sub },
      ].sort((a, b) => (a.workspace_id < b.workspace_id ? -1 : 1)),
    );
    await q(`DROP SCHEMA "${schema}" CASCADE`);
  });
});

describe('scheduling/calendar: versions of the member settings (migration 1797100000000)', () => {
  it('versions every existing list and puts it in the outbox once, so tasks learns the lists set before; down drops the version', async () => {
    const schema = `settings_version_${process.pid}`;
    const runner = {
      query: (sql: string, values?: unknown[]) => infrastructure.pool.query(sql, values),
    } as unknown as QueryRunner;
    const q = (sql: string, values?: unknown[]) => infrastructure.pool.query(sql, values);
    await q(`CREATE SCHEMA "${schema}"; ${platformSchemaSql(schema)}`);
    await new (calendarWorkspaceMembersMigration(schema))().up(runner);
    await new (calendarWorkspaceSettingsMigration(schema))().up(runner);
    await new (calendarMemberSettingsMigration(schema))().up(runner);
    await q(
      `INSERT INTO "${schema}".member_settings VALUES
         ($1, $2, '[{"offset":"-PT5M"}]', '2026-03-01T09:00:00Z'), ($3, $4, '[{"at":"2026-03-09T08:00:00Z"}]', '2026-03-02T09:00:00Z')`,
      [WS, ANN.sub, `personal:${EVE.sub}`, EVE.sub],
    );
    const migration = new (calendarMemberSettingsVersionMigration(schema))();
    await migration.up(runner);
    const { MemberReminderDefaultsSetV1 } = CALENDAR_EVENTS;
    const outbox = await q(
      `SELECT topic, message_key, message_type, payload FROM "${schema}".outbox ORDER BY position`,
    );
    expect(outbox.rows.map((r) => [r.topic, r.message_type, r.message_key])).toEqual([
      [MemberReminderDefaultsSetV1.topic, MemberReminderDefaultsSetV1.type, WS],
      [MemberReminderDefaultsSetV1.topic, MemberReminderDefaultsSetV1.type, `personal:${EVE.sub}`],
    ]);
    const payloads = outbox.rows.map((r) => MemberReminderDefaultsSetV1.schema.parse(r.payload));
    expect(payloads).toMatchObject([
      {
        workspaceId: WS,
        userId: ANN.sub,
        defaultReminders: [{ offset: '-PT5M' }],
        updatedAt: '2026-03-01T09:00:00.000Z',
      },
      { userId: EVE.sub, defaultReminders: [{ at: '2026-03-09T08:00:00Z' }], updatedAt: '2026-03-02T09:00:00.000Z' },
    ]);
    const versions = (await q(`SELECT version FROM "${schema}".member_settings ORDER BY version`)).rows.map((r) =>
      Number(r.version),
    );
    expect(payloads.map((p) => p.version)).toEqual(versions);
    await migration.down(runner);
    expect(
      (
        await q(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'version'`,
          [schema],
        )
      ).rows,
    ).toEqual([]);
    await q(`DROP SCHEMA "${schema}" CASCADE`);
  });
});
