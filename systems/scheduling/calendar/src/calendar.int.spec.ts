import 'reflect-metadata';
import { CALENDAR_EVENTS } from '@archipelago/scheduling-contracts';
import { Messaging, type IncomingMessage, type TransportKind } from '@archipelago/platform-messaging';
import { createHttpApp, platformMetricsRegistry, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromICalendar } from '@archipelago/util-calendar';
import ICAL from 'ical.js';
import { CALENDAR_DOMAIN_ERRORS, CalendarModule } from './calendar.module.js';
import { migrateCalendar } from './repository/calendar.data-source.js';
import { CalendarInfrastructure } from './repository/calendar.infrastructure.js';

// Component test: the real calendar module over HTTP on real Postgres, publishing through the
// outbox (to a real Kafka broker; to the postgres transport when the suite runs with TEST_KAFKA=off);
// access tokens from a test issuer serving a real JWKS.
const transport: TransportKind = kafkaBrokers() ? 'kafka' : 'postgres';
const ANN = { sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f', roles: ['customer'], email: 'ann@example.com' };
const BOB = { sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f', roles: ['customer'], email: 'bob@example.com' };
let issuer: TestIssuer;
let ann: string;
let bob: string;
let app: NestFastifyApplication;
let infrastructure: CalendarInfrastructure;
let listener: Messaging;
let base: string;
const received: IncomingMessage[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (url: string, init?: RequestInit) => fetch(url, init) as Promise<JsonResponse>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const post = (body: unknown, token = ann) =>
  http(base, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(token) },
    body: JSON.stringify(body),
  });
const occurrences = (query: string, token = ann) => http(`${base}/occurrences?${query}`, { headers: bearer(token) });

beforeAll(async () => {
  issuer = await startTestIssuer();
  ann = await issuer.issue({ ...ANN, expiresInSec: 900 });
  bob = await issuer.issue({ ...BOB, expiresInSec: 900 });
  const url = await createTestDatabase('calendar');
  await migrateCalendar(url, 'calendar');
  const brokers = transport === 'kafka' ? [kafkaBrokers()] : undefined;
  infrastructure = await CalendarInfrastructure.open({
    databaseUrl: url,
    schema: 'calendar',
    transport,
    kafkaBrokers: brokers,
  });
  await infrastructure.messaging.ensureTopics(Object.values(CALENDAR_EVENTS).map((e) => e.topic));
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience, jwksCooldownMs: 0 };
  app = await createHttpApp(CalendarModule.forRoot(infrastructure, auth, 'all', { reminderPollMs: 100 }), {
    serviceName: 'calendar',
    config: { SERVICE_NAME: 'calendar', SYSTEM: 'scheduling', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'warn' },
    domainErrors: CALENDAR_DOMAIN_ERRORS,
    readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
    openapi: { title: 'calendar', version: '1' },
  });
  await infrastructure.start();
  await app.listen(0, '127.0.0.1');
  base = `${await app.getUrl()}/scheduling/v1/events`.replace('[::1]', '127.0.0.1');
  listener = new Messaging({
    transport,
    kafkaBrokers: brokers,
    system: 'scheduling',
    service: 'listener',
    schema: 'calendar',
    pool: infrastructure.pool,
    databaseUrl: url,
  });
  await listener.subscribe(
    'scheduling.test-listener',
    Object.values(CALENDAR_EVENTS).map((e) => e.topic),
    async (m) => {
      received.push(m);
    },
  );
}, 120_000);

afterAll(async () => {
  await listener?.close();
  await app?.close();
  await issuer?.close();
});

const BERLIN = {
  title: 'Stand-up',
  start: '2026-03-27T09:00:00',
  end: '2026-03-27T09:15:00',
  timeZone: 'Europe/Berlin',
  rrule: 'FREQ=DAILY;COUNT=4',
};

describe('scheduling/calendar over HTTP', () => {
  it('creates a daily series in Europe/Berlin and expands it across the DST change to UTC instants; publishes CalendarEventCreatedV1', async () => {
    const res = await post(BERLIN);
    expect(res.status).toBe(201);
    const event = await res.json();
    expect(event).toMatchObject({ id: expect.any(String), version: 1, workspaceId: `personal:${ANN.sub}`, ...BERLIN });
    expect(res.headers.get('location')).toBe(`/scheduling/v1/events/${event.id}`);
    await vi.waitFor(
      async () => {
        const page = await (await occurrences('from=2026-03-26T00:00:00Z&to=2026-04-01T00:00:00Z')).json();
        const mine = page.items.filter((i: { eventId: string }) => i.eventId === event.id);
        expect(mine.map((i: { start: string; end: string }) => [i.start, i.end])).toEqual([
          ['2026-03-27T08:00:00Z', '2026-03-27T08:15:00Z'],
          ['2026-03-28T08:00:00Z', '2026-03-28T08:15:00Z'],
          ['2026-03-29T07:00:00Z', '2026-03-29T07:15:00Z'],
          ['2026-03-30T07:00:00Z', '2026-03-30T07:15:00Z'],
        ]);
      },
      { timeout: 10_000, interval: 50 },
    );
    await vi.waitFor(() => expect(received.map((m) => m.key)).toContain(event.id), { timeout: 30_000, interval: 100 });
    const message = received.find((m) => m.key === event.id)!;
    expect(message.type).toBe(CALENDAR_EVENTS.CalendarEventCreatedV1.type);
    expect(CALENDAR_EVENTS.CalendarEventCreatedV1.schema.parse(message.payload)).toMatchObject({
      eventId: event.id,
      timeZone: 'Europe/Berlin',
      rrule: 'FREQ=DAILY;COUNT=4',
    });
  });

  it('answers 400 by field for an unknown zone, end before start, COUNT with UNTIL, and writes nothing', async () => {
    const before = await infrastructure.pool.query(`SELECT count(*)::int AS n FROM "calendar".events`);
    const fieldsOf = async (body: unknown) => {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      return (await res.json()).details.problems.map((p: { field: string }) => p.field);
    };
    expect(await fieldsOf({ ...BERLIN, timeZone: 'Mars/Olympus' })).toContain('timeZone');
    expect(await fieldsOf({ ...BERLIN, workspaceId: null })).toEqual(['workspaceId']);
    expect(await fieldsOf({ ...BERLIN, end: '2026-03-27T08:00:00' })).toContain('end');
    expect(await fieldsOf({ ...BERLIN, rrule: 'FREQ=DAILY;COUNT=3;UNTIL=20260401T000000Z' })).toContain('rrule');
    expect(await fieldsOf({})).toEqual(expect.arrayContaining(['title', 'start', 'end', 'timeZone']));
    const after = await infrastructure.pool.query(`SELECT count(*)::int AS n FROM "calendar".events`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('answers 400 by field for a bad window and zone of the occurrence query', async () => {
    // Both ends are needed and must be instants: the query schema (errors by parameter).
    for (const [query, parameter] of [
      ['to=2026-04-01T00:00:00Z', 'from'],
      ['from=2026-04-01&to=2026-05-01T00:00:00Z', 'from'],
    ] as const) {
      const res = await occurrences(query);
      expect(res.status, query).toBe(400);
      expect((await res.json()).errors.map((e: { parameter: string }) => e.parameter)).toContain(parameter);
    }
    for (const [query, field] of [
      ['from=2026-04-01T00:00:00Z&to=2026-03-01T00:00:00Z', 'to'],
      ['from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&timeZone=Nowhere/Town', 'viewerTimeZone'],
    ] as const) {
      const res = await occurrences(query);
      expect(res.status, query).toBe(400);
      expect((await res.json()).details.problems.map((p: { field: string }) => p.field)).toContain(field);
    }
  });

  it('gives new events without reminders their creator’s default reminders in the workspace (imports too); an explicit list or VALARMs win', async () => {
    const settings = `${base.replace('/events', '/calendars')}/${encodeURIComponent(`personal:${ANN.sub}`)}/settings`;
    const put = (body: unknown, token = ann) =>
      http(settings, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...bearer(token) },
        body: JSON.stringify(body),
      });
    expect(await (await http(settings, { headers: bearer(ann) })).json()).toMatchObject({
      defaultReminders: [],
      updatedAt: null,
    });
    expect((await post({ ...BERLIN, title: 'Before defaults' })).status).toBe(201);
    expect((await put({ defaultReminders: [{ offset: '-PT10M' }, { offset: 'soon' }] })).status).toBe(400);
    expect((await put({ defaultReminders: [{ offset: '-P400D' }] })).status).toBe(400);
    expect((await put({ defaultReminders: [{ offset: '-PT10M' }] }, bob)).status).toBe(404);
    const set = await put({ defaultReminders: [{ offset: '-PT10M' }] });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({
      workspaceId: `personal:${ANN.sub}`,
      defaultReminders: [{ offset: '-PT10M' }],
    });
    expect((await (await post({ ...BERLIN, title: 'Defaulted' })).json()).reminders).toEqual([{ offset: '-PT10M' }]);
    expect((await (await post({ ...BERLIN, title: 'Own', reminders: [] })).json()).reminders).toEqual([]);
    const own = await (await post({ ...BERLIN, title: 'Own', reminders: [{ offset: '-PT1H' }] })).json();
    expect(own.reminders).toEqual([{ offset: '-PT1H' }]);
    // An imported VEVENT without VALARM gets the defaults too; one with VALARMs keeps its own TRIGGERs.
    const vevent = (uid: string, ...alarm: string[]) => [
      'BEGIN:VEVENT',
      `UID:${uid}`,
      `SUMMARY:${uid}`,
      'DTSTART;TZID=Europe/Berlin:20260601T090000',
      'DTEND;TZID=Europe/Berlin:20260601T100000',
      ...alarm,
      'END:VEVENT',
    ];
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//EN',
      ...vevent('imported-plain'),
      ...vevent('imported-alarm', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-P1D', 'END:VALARM'),
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const imported = await http(`${settings.replace(/\/settings$/, '')}/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/calendar', ...bearer(ann) },
      body: ics,
    });
    expect(imported.status).toBe(201);
    const reminders = [];
    for (const id of (await imported.json()).created as string[])
      reminders.push((await (await http(`${base}/${id}?minVersion=1`, { headers: bearer(ann) })).json()).reminders);
    expect(reminders).toEqual([[{ offset: '-PT10M' }], [{ offset: '-P1D' }]]);
    expect((await put({ defaultReminders: [] })).status).toBe(200);
    expect((await (await post({ ...BERLIN, title: 'None again' })).json()).reminders).toEqual([]);
  });

  it('shows a user only their own events, and needs a token (401)', async () => {
    const event = await (await post({ ...BERLIN, title: 'Ann only', rrule: undefined })).json();
    await vi.waitFor(
      async () => {
        const mine = await (await occurrences('from=2026-03-27T00:00:00Z&to=2026-03-28T00:00:00Z')).json();
        expect(mine.items.map((i: { eventId: string }) => i.eventId)).toContain(event.id);
      },
      { timeout: 10_000, interval: 50 },
    );
    const theirs = await (await occurrences('from=2026-03-27T00:00:00Z&to=2026-03-28T00:00:00Z', bob)).json();
    expect(theirs.items).toEqual([]);
    expect((await post({ ...BERLIN, workspaceId: `personal:${ANN.sub}` }, bob)).status).toBe(404);
    expect((await http(`${base}/occurrences`)).status).toBe(401);
  });

  it('fires a due reminder once as ReminderDueV1 through the outbox; concurrent claims never fire one twice', async () => {
    const at = new Date(Date.now() + 1500).toISOString();
    const startsAt = new Date(Date.now() + 3_600_000);
    const local = startsAt.toISOString().slice(0, 19);
    const end = new Date(startsAt.getTime() + 1_800_000).toISOString().slice(0, 19);
    const event = await (
      await post({ title: 'Remind me', start: local, end, timeZone: 'UTC', reminders: [{ at }] })
    ).json();
    await vi.waitFor(
      () =>
        expect(
          received.filter((m) => m.key === event.id && m.type === CALENDAR_EVENTS.ReminderDueV1.type),
        ).toHaveLength(1),
      { timeout: 20_000, interval: 50 },
    );
    const due = received.find((m) => m.key === event.id && m.type === CALENDAR_EVENTS.ReminderDueV1.type)!;
    const payload = CALENDAR_EVENTS.ReminderDueV1.schema.parse(due.payload);
    // No attendees in a personal workspace: its user is reminded.
    expect(payload).toMatchObject({ eventId: event.id, workspaceId: `personal:${ANN.sub}`, recipients: [ANN.sub] });
    expect(new Date(payload.dueAt).getTime()).toBe(new Date(at).getTime());
    // Issue 16 §5: a reminder "fires within 2 s of its time under normal load" — the bound is the
    // issue's, not a margin of ours (this engine polls every 100 ms; a plan made late counts as late).
    expect(Date.parse(payload.occurredAt) - Date.parse(payload.dueAt)).toBeLessThanOrEqual(2000);
    const lag = await platformMetricsRegistry.getSingleMetricAsString('scheduling_reminder_fire_lag_seconds');
    expect(Number(/_count(?:{[^}]*})? (\d+)/.exec(lag)?.[1])).toBeGreaterThanOrEqual(1);
    // More rounds and two "replicas" claiming at once: nothing fires again.
    await Promise.all([
      infrastructure.reminders.fireDue(new Date().toISOString(), 100),
      infrastructure.reminders.fireDue(new Date().toISOString(), 100),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const outbox = await infrastructure.pool.query(
      `SELECT count(*)::int AS n FROM "calendar".reminders WHERE event_id = $1 AND fired_at IS NOT NULL`,
      [event.id],
    );
    expect(outbox.rows[0].n).toBe(1);
    expect(received.filter((m) => m.key === event.id && m.type === CALENDAR_EVENTS.ReminderDueV1.type)).toHaveLength(1);
  });

  it('claims each due reminder on one of two concurrent transactions only (FOR UPDATE SKIP LOCKED)', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [`skip-${i}`, globalThis.crypto.randomUUID()]);
    for (const [key, eventId] of rows)
      await infrastructure.pool.query(
        `INSERT INTO "calendar".reminders (key, event_id, workspace_id, due_at, recipients) VALUES ($1, $2, 'w', now() - interval '1 second', '{}')`,
        [key, eventId],
      );
    const now = new Date().toISOString();
    const fired = await Promise.all([
      infrastructure.reminders.fireDue(now, 1000),
      infrastructure.reminders.fireDue(now, 1000),
    ]);
    // The module's own engine job (every 100 ms) is a third claimer: rows it holds when both calls run are
    // skipped by them and marked fired when its transaction commits, a moment later.
    await vi.waitFor(
      async () => {
        const left = await infrastructure.pool.query(
          `SELECT count(*)::int AS n FROM "calendar".reminders WHERE key LIKE 'skip-%' AND fired_at IS NULL`,
        );
        expect(left.rows[0].n).toBe(0);
      },
      { timeout: 5_000, interval: 50 },
    );
    expect(fired[0] + fired[1]).toBeLessThanOrEqual(40);
    const outbox = await infrastructure.pool.query(
      `SELECT count(*)::int AS n FROM "calendar".outbox WHERE payload->>'key' LIKE 'skip-%'`,
    );
    expect(outbox.rows[0].n).toBe(40);
  });

  it('serves the workspace as an iCalendar feed (VTIMEZONE, RRULE) that imports back to the same events; 404 for another user', async () => {
    const event = await (await post({ ...BERLIN, title: 'In the feed' })).json();
    const feedUrl = `${base.replace('/events', '/calendars')}/${encodeURIComponent(`personal:${ANN.sub}`)}.ics`;
    await vi.waitFor(
      async () => {
        const res = await http(feedUrl, { headers: bearer(ann) });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('text/calendar');
        const text = await res.text();
        expect(text).toContain(`UID:${event.id}`);
        expect(text).toContain('BEGIN:VTIMEZONE');
        expect(text).toContain('RRULE:FREQ=DAILY;COUNT=4');
        const back = fromICalendar(text, { now: new Date().toISOString() });
        expect(back.problems).toEqual([]);
        expect(back.events.find((e) => e.uid === event.id)?.schedule).toMatchObject({
          timeZone: 'Europe/Berlin',
          start: '2026-03-27T09:00:00',
          rrule: 'FREQ=DAILY;COUNT=4',
        });
      },
      { timeout: 10_000, interval: 50 },
    );
    expect((await http(feedUrl, { headers: bearer(bob) })).status).toBe(404);
    expect((await http(feedUrl)).status).toBe(401);
  });

  it('imports an exported feed into another workspace with the same occurrences and reminders (VALARMs); 400 for a non-iCalendar file', async () => {
    // Exact hours, nominal days, an absolute instant: each must survive export → import → export as written.
    const reminders = [{ offset: '-PT15M' }, { offset: '-PT24H' }, { offset: '-P1D' }, { at: '2026-03-26T20:00:00Z' }];
    await (await post({ ...BERLIN, title: 'Moved one', exdates: ['2026-03-28T09:00:00'], reminders })).json();
    const window = 'from=2026-03-26T00:00:00Z&to=2026-04-01T00:00:00Z';
    const starts = async (token: string) =>
      ((await (await occurrences(window, token)).json()).items as { title: string; start: string; end: string }[])
        .map((o) => `${o.title} ${o.start} ${o.end}`)
        .sort();
    const annFeed = `${base.replace('/events', '/calendars')}/${encodeURIComponent(`personal:${ANN.sub}`)}.ics`;
    let ics = '';
    await vi.waitFor(
      async () => {
        ics = await (await http(annFeed, { headers: bearer(ann) })).text();
        expect(ics).toContain('SUMMARY:Moved one');
      },
      { timeout: 10_000, interval: 50 },
    );
    const importUrl = `${base.replace('/events', '/calendars')}/${encodeURIComponent(`personal:${BOB.sub}`)}/import`;
    const imported = await http(importUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/calendar', ...bearer(bob) },
      body: ics,
    });
    expect(imported.status).toBe(201);
    const result = await imported.json();
    expect(result.created.length).toBeGreaterThan(0);
    const expected = await starts(ann);
    await vi.waitFor(async () => expect(await starts(bob)).toEqual(expected), { timeout: 10_000, interval: 50 });
    // The feed a client subscribes to carries the reminders as VALARMs inside the VEVENT (ical.js reads them).
    const alarmsIn = (text: string, title: string) =>
      new ICAL.Component(ICAL.parse(text))
        .getAllSubcomponents('vevent')
        .find((v) => v.getFirstPropertyValue('summary') === title)!
        .getAllSubcomponents('valarm')
        .map((a) => `${a.getFirstPropertyValue('action')} ${a.getFirstPropertyValue('trigger')!.toString()}`);
    const triggers = ['DISPLAY -PT15M', 'DISPLAY -PT24H', 'DISPLAY -P1D', 'DISPLAY 2026-03-26T20:00:00Z'];
    expect(alarmsIn(ics, 'Moved one')).toEqual(triggers);
    const bobsEvents = await Promise.all(
      (result.created as string[]).map(async (id) => (await http(`${base}/${id}`, { headers: bearer(bob) })).json()),
    );
    expect(bobsEvents.find((e) => e.title === 'Moved one')?.reminders).toEqual(reminders);
    const bobFeed = annFeed.replace(encodeURIComponent(`personal:${ANN.sub}`), encodeURIComponent(`personal:${BOB.sub}`));
    await vi.waitFor(
      async () => expect(alarmsIn(await (await http(bobFeed, { headers: bearer(bob) })).text(), 'Moved one')).toEqual(triggers),
      { timeout: 10_000, interval: 50 },
    );
    const bad = await http(importUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/calendar', ...bearer(bob) },
      body: 'not a calendar',
    });
    expect(bad.status).toBe(400);
    expect(
      (
        await http(importUrl, {
          method: 'POST',
          headers: { 'content-type': 'text/calendar', ...bearer(ann) },
          body: ics,
        })
      ).status,
    ).toBe(404);
  });

  it('rebuilds the event list projection to the same content', async () => {
    const snapshot = async () =>
      (
        await infrastructure.pool.query(
          'SELECT id, seq, workspace_id, fields, version FROM "calendar".calendar_event_list ORDER BY seq',
        )
      ).rows;
    await infrastructure.projectionRunner.catchUp();
    const before = await snapshot();
    expect(before.length).toBeGreaterThan(0);
    await infrastructure.pool.query(`UPDATE "calendar".calendar_event_list SET version = 99`);
    await infrastructure.projectionRunner.rebuild();
    expect(await snapshot()).toEqual(before);
  });
});

describe('scheduling/calendar edits: PATCH (merge patch, If-Match), DELETE, single-occurrence overrides', () => {
  const one = (id: string) => `${base}/${id}`;
  const send = (
    url: string,
    method: string,
    init: { body?: unknown; ifMatch?: string; type?: string; token?: string } = {},
  ) =>
    http(url, {
      method,
      headers: {
        ...bearer(init.token ?? ann),
        ...(init.body !== undefined && { 'content-type': init.type ?? 'application/merge-patch+json' }),
        ...(init.ifMatch !== undefined && { 'if-match': init.ifMatch }),
      },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
  const messagesOf = (eventId: string, type: string) => received.filter((m) => m.key === eventId && m.type === type);
  const window = 'from=2026-03-26T00:00:00Z&to=2026-04-01T00:00:00Z';
  const occurrencesOf = async (eventId: string) =>
    ((await (await occurrences(window)).json()).items as { eventId: string; start: string; overridden: boolean }[])
      .filter((i) => i.eventId === eventId)
      .map((i) => `${i.start}${i.overridden ? ' moved' : ''}`);
  const feedUrl = () => `${base.replace('/events', '/calendars')}/${encodeURIComponent(`personal:${ANN.sub}`)}.ics`;

  it('patches with application/merge-patch+json and If-Match: 200 at the new version (ETag), 412 for a stale ETag, CalendarEventUpdatedV1, occurrences follow', async () => {
    const event = await (await post({ ...BERLIN, title: 'To patch' })).json();
    const res = await send(one(event.id), 'PATCH', {
      body: { title: 'Patched', start: '2026-03-27T10:00:00', end: '2026-03-27T10:30:00', location: 'Room 1' },
      ifMatch: '"1"',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"2"');
    expect(await res.json()).toMatchObject({ id: event.id, version: 2, title: 'Patched', location: 'Room 1' });
    const stale = await send(one(event.id), 'PATCH', { body: { title: 'Lost update' }, ifMatch: '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect((await stale.json()).code).toBe('EVENT.VERSION_CONFLICT');
    // null clears; plain application/json is accepted too; no change keeps the version.
    const cleared = await send(one(event.id), 'PATCH', { body: { location: null }, type: 'application/json' });
    expect(await cleared.json()).toMatchObject({ version: 3, location: null });
    const same = await send(one(event.id), 'PATCH', { body: { location: null }, ifMatch: '"3"' });
    expect(same.headers.get('etag')).toBe('"3"');
    const read = await http(`${one(event.id)}?minVersion=3`, { headers: bearer(ann) });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"3"');
    // If-None-Match: the version a write answered is waited for like minVersion; having it is a 304.
    const conditional = (tags: string) => http(one(event.id), { headers: { ...bearer(ann), 'if-none-match': tags } });
    const notModified = await conditional('"3"');
    expect([notModified.status, notModified.headers.get('etag'), await notModified.text()]).toEqual([304, '"3"', '']);
    expect((await conditional('W/"2", W/"3"')).status).toBe(304);
    expect((await conditional('"2"')).status).toBe(200);
    expect((await conditional('"9"')).status).toBe(409);
    expect((await conditional('3')).status).toBe(200); // not an entity-tag list: ignored
    expect(await read.json()).toMatchObject({ title: 'Patched', start: '2026-03-27T10:00:00', location: null });
    await vi.waitFor(
      async () =>
        expect(await occurrencesOf(event.id)).toEqual([
          '2026-03-27T09:00:00Z',
          '2026-03-28T09:00:00Z',
          '2026-03-29T08:00:00Z',
          '2026-03-30T08:00:00Z',
        ]),
      { timeout: 10_000, interval: 50 },
    );
    await vi.waitFor(() => expect(messagesOf(event.id, CALENDAR_EVENTS.CalendarEventUpdatedV1.type)).toHaveLength(2), {
      timeout: 30_000,
      interval: 100,
    });
    const [first] = messagesOf(event.id, CALENDAR_EVENTS.CalendarEventUpdatedV1.type);
    expect(CALENDAR_EVENTS.CalendarEventUpdatedV1.schema.parse(first!.payload)).toMatchObject({
      eventId: event.id,
      version: 2,
      changed: ['end', 'location', 'start', 'title'],
      title: 'Patched',
      start: '2026-03-27T10:00:00',
    });
  });

  it('documents the edit routes in OpenAPI: merge-patch media type, If-Match, 412', async () => {
    const doc = await (await http(`${base.replace('/scheduling/v1/events', '')}/docs/openapi.json`)).json();
    const patch = doc.paths['/scheduling/v1/events/{id}'].patch;
    expect(Object.keys(patch.requestBody.content).sort()).toEqual(['application/json', 'application/merge-patch+json']);
    const ifMatch = patch.parameters.find((p: { name: string }) => p.name === 'If-Match');
    expect(new RegExp(ifMatch.schema.pattern).test('"7", W/"1"')).toBe(true);
    expect(new RegExp(ifMatch.schema.pattern).test('7')).toBe(false);
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '412', '415']));
    // The bodies are documented as precisely as the decider checks them (unknown fields refused).
    const body = (op: { requestBody: { content: Record<string, { schema: { $ref?: string } }> } }) =>
      op.requestBody.content['application/json']!.schema.$ref;
    expect(body(patch)).toBe('#/components/schemas/CalendarEventPatch');
    expect(body(doc.paths['/scheduling/v1/events'].post)).toBe('#/components/schemas/CalendarEventInput');
    const input = doc.components.schemas.CalendarEventInput;
    expect(input.additionalProperties).toBe(false);
    expect(input.required).toEqual(expect.arrayContaining(['title', 'start', 'end', 'timeZone']));
    expect(new RegExp(input.properties.start.pattern).test('2026-03-27T09:00')).toBe(true);
    expect(new RegExp(input.properties.start.pattern).test('27.03.2026')).toBe(false);
    const put = doc.paths['/scheduling/v1/events/{id}/occurrences/{recurrenceId}'];
    expect(Object.keys(put.put.responses)).toEqual(expect.arrayContaining(['200', '400', '412']));
    expect(Object.keys(put.delete.responses)).toEqual(expect.arrayContaining(['204', '400', '412']));
  });

  it('refuses bad edits with 4xx problems: malformed JSON, a bad If-Match, unknown fields, another user (404), another media type (415)', async () => {
    const event = await (await post({ ...BERLIN, title: 'Guarded' })).json();
    const malformed = await send(one(event.id), 'PATCH', { body: '{"title":' });
    expect(malformed.status).toBe(400);
    expect((await send(one(event.id), 'PATCH', { body: { title: 'x' }, ifMatch: '1' })).status).toBe(400);
    // Weak tags never match (strong comparison): 412; a list matches when one of its tags does.
    expect((await send(one(event.id), 'PATCH', { body: { title: 'x' }, ifMatch: 'W/"1"' })).status).toBe(412);
    expect((await send(one(event.id), 'PATCH', { body: { title: 'Listed' }, ifMatch: '"7", "1"' })).status).toBe(200);
    const unknown = await send(one(event.id), 'PATCH', { body: { workspaceId: 'other', colour: 'red' } });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).details.problems.map((p: { field: string }) => p.field)).toEqual([
      'workspaceId',
      'colour',
    ]);
    expect((await send(one(event.id), 'PATCH', { body: { title: 'x' }, token: bob })).status).toBe(404);
    expect((await send(one(event.id), 'DELETE', { token: bob })).status).toBe(404);
    expect((await http(one(event.id), { headers: bearer(bob) })).status).toBe(404);
    expect((await send(one(event.id), 'PATCH', { body: '<title>x</title>', type: 'application/xml' })).status).toBe(
      415,
    );
    expect((await send(one(globalThis.crypto.randomUUID()), 'PATCH', { body: { title: 'x' } })).status).toBe(404);
    // ?minVersion= where waiting cannot help: an id the write side does not have, someone else's event
    // (404, not a 409 after the wait), a version no write answered (409).
    const read = (id: string, version: number, token = ann) =>
      http(`${one(id)}?minVersion=${version}`, { headers: bearer(token) });
    expect((await read(globalThis.crypto.randomUUID(), 1)).status).toBe(404);
    expect((await read(event.id, 99, bob)).status).toBe(404);
    expect((await read(event.id, 99)).status).toBe(409);
    const deleted = await send(one(event.id), 'DELETE');
    expect(deleted.status).toBe(204);
    expect((await read(event.id, Number(JSON.parse(deleted.headers.get('etag')!)))).status).toBe(404);
  });

  it('moves one occurrence (by its UTC instant) and cancels another: occurrences, the .ics feed (RECURRENCE-ID, EXDATE, read back with ical.js) and CalendarOccurrenceChangedV1 follow', async () => {
    const event = await (await post({ ...BERLIN, title: 'Overridden' })).json();
    const moved = await send(`${one(event.id)}/occurrences/2026-03-30T07:00:00Z`, 'PUT', {
      body: { start: '2026-03-30T11:00:00', end: '2026-03-30T11:15:00', title: 'Overridden, late' },
      type: 'application/json',
      ifMatch: '"1"',
    });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).toBe('"2"');
    expect((await moved.json()).overrides).toEqual([
      {
        recurrenceId: '2026-03-30T09:00:00',
        start: '2026-03-30T11:00:00',
        end: '2026-03-30T11:15:00',
        title: 'Overridden, late',
      },
    ]);
    const cancelled = await send(`${one(event.id)}/occurrences/2026-03-28T09:00:00`, 'DELETE', { ifMatch: '"2"' });
    expect(cancelled.status).toBe(204);
    expect(cancelled.headers.get('etag')).toBe('"3"');
    const notOne = await send(`${one(event.id)}/occurrences/2026-03-28T09:30:00`, 'DELETE');
    expect(notOne.status).toBe(400);
    await vi.waitFor(
      async () =>
        expect(await occurrencesOf(event.id)).toEqual([
          '2026-03-27T08:00:00Z',
          '2026-03-29T07:00:00Z',
          '2026-03-30T09:00:00Z moved',
        ]),
      { timeout: 10_000, interval: 50 },
    );
    const titles = ((await (await occurrences(window)).json()).items as { eventId: string; title: string }[])
      .filter((i) => i.eventId === event.id)
      .map((i) => i.title);
    expect(titles).toEqual(['Overridden', 'Overridden', 'Overridden, late']);
    const ics = await (await http(feedUrl(), { headers: bearer(ann) })).text();
    const vevents = new ICAL.Component(ICAL.parse(ics))
      .getAllSubcomponents('vevent')
      .filter((v) => v.getFirstPropertyValue('uid') === event.id);
    expect(vevents).toHaveLength(2);
    const master = vevents.find((v) => !v.hasProperty('recurrence-id'))!;
    const override = vevents.find((v) => v.hasProperty('recurrence-id'))!;
    expect(master.getFirstProperty('exdate')!.getParameter('tzid')).toBe('Europe/Berlin');
    expect(String(master.getFirstPropertyValue('exdate'))).toBe('2026-03-28T09:00:00');
    expect(String(override.getFirstPropertyValue('recurrence-id'))).toBe('2026-03-30T09:00:00');
    expect(String(override.getFirstPropertyValue('dtstart'))).toBe('2026-03-30T11:00:00');
    expect(override.getFirstPropertyValue('summary')).toBe('Overridden, late');
    expect(master.getFirstPropertyValue('summary')).toBe('Overridden');
    const back = fromICalendar(ics, { now: new Date().toISOString() });
    expect(back.events.find((e) => e.uid === event.id)?.schedule).toMatchObject({
      exdates: ['2026-03-28T09:00:00'],
      overrides: [
        {
          recurrenceId: '2026-03-30T09:00:00',
          start: '2026-03-30T11:00:00',
          end: '2026-03-30T11:15:00',
          title: 'Overridden, late',
        },
      ],
    });
    await vi.waitFor(
      () => expect(messagesOf(event.id, CALENDAR_EVENTS.CalendarOccurrenceChangedV1.type)).toHaveLength(2),
      { timeout: 30_000, interval: 100 },
    );
    expect(
      messagesOf(event.id, CALENDAR_EVENTS.CalendarOccurrenceChangedV1.type).map((m) =>
        CALENDAR_EVENTS.CalendarOccurrenceChangedV1.schema.parse(m.payload),
      ),
    ).toEqual([
      expect.objectContaining({
        recurrenceId: '2026-03-30T09:00:00',
        title: 'Overridden, late',
        cancelled: false,
        start: '2026-03-30T11:00:00',
        version: 2,
      }),
      expect.objectContaining({ recurrenceId: '2026-03-28T09:00:00', cancelled: true, start: null, version: 3 }),
    ]);
  });

  it('gives one occurrence its own description and location: occurrences, the .ics feed (DESCRIPTION, LOCATION, read back with ical.js) follow', async () => {
    const event = await (
      await post({ ...BERLIN, title: 'Located', description: 'Series notes', location: 'Room 1' })
    ).json();
    const own = { description: 'Demo day: bring a laptop', location: 'Hall B' };
    const changed = await send(`${one(event.id)}/occurrences/2026-03-28T09:00:00`, 'PUT', {
      body: { start: '2026-03-28T09:00:00', end: '2026-03-28T09:15:00', ...own },
      type: 'application/json',
    });
    expect(changed.status).toBe(200);
    expect((await changed.json()).overrides).toEqual([
      { recurrenceId: '2026-03-28T09:00:00', start: '2026-03-28T09:00:00', end: '2026-03-28T09:15:00', ...own },
    ]);
    const blank = await send(`${one(event.id)}/occurrences/2026-03-29T09:00:00`, 'PUT', {
      body: { start: '2026-03-29T09:00:00', end: '2026-03-29T09:15:00', location: '  ' },
      type: 'application/json',
    });
    expect(blank.status).toBe(400);
    type Item = { eventId: string; start: string; description: string | null; location: string | null };
    await vi.waitFor(
      async () => {
        const items = ((await (await occurrences(window)).json()).items as Item[]).filter(
          (i) => i.eventId === event.id,
        );
        expect(items.map((i) => [i.start, i.description, i.location])).toEqual([
          ['2026-03-27T08:00:00Z', 'Series notes', 'Room 1'],
          ['2026-03-28T08:00:00Z', own.description, own.location],
          ['2026-03-29T07:00:00Z', 'Series notes', 'Room 1'],
          ['2026-03-30T07:00:00Z', 'Series notes', 'Room 1'],
        ]);
      },
      { timeout: 10_000, interval: 50 },
    );
    const ics = await (await http(feedUrl(), { headers: bearer(ann) })).text();
    const vevents = new ICAL.Component(ICAL.parse(ics))
      .getAllSubcomponents('vevent')
      .filter((v) => v.getFirstPropertyValue('uid') === event.id);
    const master = vevents.find((v) => !v.hasProperty('recurrence-id'))!;
    const override = vevents.find((v) => v.hasProperty('recurrence-id'))!;
    expect([override.getFirstPropertyValue('description'), override.getFirstPropertyValue('location')]).toEqual([
      own.description,
      own.location,
    ]);
    expect(master.getFirstPropertyValue('location')).toBe('Room 1');
    const back = fromICalendar(ics, { now: new Date().toISOString() });
    expect(back.events.find((e) => e.uid === event.id)?.schedule.overrides).toEqual([
      { recurrenceId: '2026-03-28T09:00:00', start: '2026-03-28T09:00:00', end: '2026-03-28T09:15:00', ...own },
    ]);
    await vi.waitFor(
      () => expect(messagesOf(event.id, CALENDAR_EVENTS.CalendarOccurrenceChangedV1.type)).toHaveLength(1),
      { timeout: 30_000, interval: 100 },
    );
    const [published] = messagesOf(event.id, CALENDAR_EVENTS.CalendarOccurrenceChangedV1.type).map((m) =>
      CALENDAR_EVENTS.CalendarOccurrenceChangedV1.schema.parse(m.payload),
    );
    expect(published).toMatchObject({ recurrenceId: '2026-03-28T09:00:00', cancelled: false, ...own });
    expect(published).not.toHaveProperty('title');
  });

  it('moves a pending reminder with its moved occurrence, cancels it with a cancelled one, and cancels all on delete (CalendarEventDeletedV1)', async () => {
    const hour = (h: number) => new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + h * 3_600_000);
    const local = (d: Date) => d.toISOString().slice(0, 19);
    const first = hour(3);
    const event = await (
      await post({
        title: 'Reminded series',
        start: local(first),
        end: local(new Date(first.getTime() + 1_800_000)),
        timeZone: 'UTC',
        rrule: 'FREQ=DAILY;COUNT=3',
        reminders: [{ offset: '-PT15M' }],
      })
    ).json();
    const pending = async () =>
      (
        await infrastructure.pool.query<{ recurrence_id: string; due_at: Date }>(
          `SELECT recurrence_id, due_at FROM "calendar".reminders WHERE event_id = $1 AND fired_at IS NULL ORDER BY recurrence_id`,
          [event.id],
        )
      ).rows.map((r) => `${r.recurrence_id} ${r.due_at.toISOString()}`);
    const due = (d: Date) => new Date(d.getTime() - 900_000).toISOString();
    const second = new Date(first.getTime() + 86_400_000);
    await vi.waitFor(
      async () => expect(await pending()).toEqual([`${local(first)} ${due(first)}`, `${local(second)} ${due(second)}`]),
      { timeout: 10_000, interval: 50 },
    );
    const later = new Date(first.getTime() + 7_200_000);
    const move = await send(`${one(event.id)}/occurrences/${local(first)}`, 'PUT', {
      body: { start: local(later), end: local(new Date(later.getTime() + 1_800_000)) },
    });
    expect(move.status).toBe(200);
    await vi.waitFor(
      async () => expect(await pending()).toEqual([`${local(first)} ${due(later)}`, `${local(second)} ${due(second)}`]),
      { timeout: 10_000, interval: 50 },
    );
    expect((await send(`${one(event.id)}/occurrences/${local(second)}`, 'DELETE')).status).toBe(204);
    await vi.waitFor(async () => expect(await pending()).toEqual([`${local(first)} ${due(later)}`]), {
      timeout: 10_000,
      interval: 50,
    });
    const deleted = await send(one(event.id), 'DELETE', { ifMatch: '"3"' });
    expect(deleted.status).toBe(204);
    expect(deleted.headers.get('etag')).toBe('"4"');
    await vi.waitFor(async () => expect(await pending()).toEqual([]), { timeout: 10_000, interval: 50 });
    expect((await send(one(event.id), 'DELETE')).status).toBe(404);
    expect((await http(one(event.id), { headers: bearer(ann) })).status).toBe(404);
    expect(await occurrencesOf(event.id)).toEqual([]);
    await vi.waitFor(() => expect(messagesOf(event.id, CALENDAR_EVENTS.CalendarEventDeletedV1.type)).toHaveLength(1), {
      timeout: 30_000,
      interval: 100,
    });
    expect(
      CALENDAR_EVENTS.CalendarEventDeletedV1.schema.parse(
        messagesOf(event.id, CALENDAR_EVENTS.CalendarEventDeletedV1.type)[0]!.payload,
      ),
    ).toMatchObject({ eventId: event.id, workspaceId: `personal:${ANN.sub}`, version: 4 });
  });
});
