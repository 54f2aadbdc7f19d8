import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import {
  createTestDatabase,
  startSplitServiceBehindEdge,
  type RunningProcess,
  type TestEdge,
} from '@archipelago/testing-harness';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// End to end, split mode: the compiled calendar service as two processes (ROLE=command and
// ROLE=query, both with TZ=Pacific/Chatham: expansion must not depend on the process zone) and the
// edge, on real Postgres (and Kafka unless TEST_KAFKA=off); every request goes through the edge,
// which routes by method as kong.yml says. A read reaching the command role, or a write the query
// role, gets 404/405 from that process and fails the test. A test issuer stands in for identity.
let command: RunningProcess;
let query: RunningProcess;
let edge: TestEdge;
let edgeUrl: string;
let issuer: TestIssuer;
let ann: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (path: string, init?: RequestInit) => fetch(`${edgeUrl}${path}`, init) as Promise<JsonResponse>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  issuer = await startTestIssuer();
  ann = await issuer.issue({
    sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f',
    roles: ['customer'],
    email: 'ann@example.com',
    expiresInSec: 900,
  });
  ({ command, query, edge } = await startSplitServiceBehindEdge({
    system: 'scheduling',
    service: 'calendar',
    databaseUrl: await createTestDatabase('scheduling_e2e'),
    auth: issuer,
    env: { TZ: 'Pacific/Chatham' },
  }));
  edgeUrl = edge.url;
});

afterAll(async () => {
  await edge?.stop();
  await command?.stop();
  await query?.stop();
  await issuer?.close();
});

describe('scheduling/calendar through the edge, command and query roles apart', () => {
  it('creates a daily Berlin series (command role) and lists its occurrences across DST in UTC (query role)', async () => {
    const created = await http('/scheduling/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(ann) },
      body: JSON.stringify({
        title: 'Stand-up',
        start: '2026-03-27T09:00:00',
        end: '2026-03-27T09:15:00',
        timeZone: 'Europe/Berlin',
        rrule: 'FREQ=DAILY;COUNT=4',
      }),
    });
    expect(created.status).toBe(201);
    const event = await created.json();
    expect(event).toMatchObject({ version: 1, timeZone: 'Europe/Berlin' });
    expect(created.headers.get('x-request-id')).toBeTruthy();
    await vi.waitFor(
      async () => {
        const res = await http('/scheduling/v1/events/occurrences?from=2026-03-26T00:00:00Z&to=2026-04-01T00:00:00Z', {
          headers: bearer(ann),
        });
        expect(res.status).toBe(200);
        const page = await res.json();
        expect(page.items.map((i: { eventId: string; start: string }) => [i.eventId, i.start])).toEqual([
          [event.id, '2026-03-27T08:00:00Z'],
          [event.id, '2026-03-28T08:00:00Z'],
          [event.id, '2026-03-29T07:00:00Z'],
          [event.id, '2026-03-30T07:00:00Z'],
        ]);
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('answers 400 problem+json for an unknown zone, and 401 without a token at the edge', async () => {
    const bad = await http('/scheduling/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(ann) },
      body: JSON.stringify({
        title: 'x',
        start: '2026-03-27T09:00:00',
        end: '2026-03-27T10:00:00',
        timeZone: 'Mars/Olympus',
      }),
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect((await http('/scheduling/v1/events/occurrences')).status).toBe(401);
  });

  it('serves the .ics feed through the edge to a feed token, without a bearer token (public route)', async () => {
    const workspace = encodeURIComponent('personal:9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f');
    const rotated = await http(`/scheduling/v1/calendars/${workspace}/feed-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ann}` },
    });
    expect(rotated.status).toBe(201);
    const { url } = await rotated.json();
    const feed = await http(url);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain('BEGIN:VCALENDAR');
    expect((await http(`/scheduling/v1/calendars/${workspace}.ics`)).status).toBe(401);
    expect((await http(`/scheduling/v1/calendars/${workspace}.ics?token=${'A'.repeat(43)}`)).status).toBe(404);
    // Every other read still needs a token at the edge.
    expect((await http(`/scheduling/v1/calendars/${workspace}`)).status).toBe(401);
  });

  it('edits through the edge: PATCH (merge patch, If-Match) and an occurrence move (command role), read back at the version and in the .ics feed (query role)', async () => {
    const created = await http('/scheduling/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(ann) },
      body: JSON.stringify({
        title: 'Weekly sync',
        start: '2026-03-23T15:00:00',
        end: '2026-03-23T16:00:00',
        timeZone: 'Europe/Berlin',
        rrule: 'FREQ=WEEKLY;COUNT=3',
      }),
    });
    const event = await created.json();
    const patched = await http(`/scheduling/v1/events/${event.id}`, {
      method: 'PATCH',
      headers: {
        'content-type': 'application/merge-patch+json',
        'if-match': created.headers.get('etag')!,
        ...bearer(ann),
      },
      body: JSON.stringify({ title: 'Weekly sync (moved room)', location: 'Room 2' }),
    });
    expect(patched.status).toBe(200);
    expect(patched.headers.get('etag')).toBe('"2"');
    const stale = await http(`/scheduling/v1/events/${event.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json', 'if-match': '"1"', ...bearer(ann) },
      body: JSON.stringify({ title: 'lost update' }),
    });
    expect(stale.status).toBe(412);
    // The 30 March occurrence (after the DST change: 13:00Z) moves to 17:00 Berlin.
    const moved = await http(`/scheduling/v1/events/${event.id}/occurrences/2026-03-30T13:00:00Z`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': '"2"', ...bearer(ann) },
      body: JSON.stringify({ start: '2026-03-30T17:00:00', end: '2026-03-30T18:00:00' }),
    });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).toBe('"3"');
    const read = await http(`/scheduling/v1/events/${event.id}?minVersion=3`, { headers: bearer(ann) });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ title: 'Weekly sync (moved room)', location: 'Room 2', version: 3 });
    const window = await http('/scheduling/v1/events/occurrences?from=2026-03-23T00:00:00Z&to=2026-04-07T00:00:00Z', {
      headers: bearer(ann),
    });
    expect(
      (await window.json()).items
        .filter((i: { eventId: string }) => i.eventId === event.id)
        .map((i: { start: string; overridden: boolean }) => [i.start, i.overridden]),
    ).toEqual([
      ['2026-03-23T14:00:00Z', false],
      ['2026-03-30T15:00:00Z', true],
      ['2026-04-06T13:00:00Z', false],
    ]);
    const workspace = encodeURIComponent('personal:9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f');
    const ics = await (await http(`/scheduling/v1/calendars/${workspace}.ics`, { headers: bearer(ann) })).text();
    const vevents = new ICAL.Component(ICAL.parse(ics))
      .getAllSubcomponents('vevent')
      .filter((v) => v.getFirstPropertyValue('uid') === event.id);
    expect(
      vevents.map((v) => [String(v.getFirstPropertyValue('recurrence-id') ?? ''), v.getFirstPropertyValue('summary')]),
    ).toEqual(
      expect.arrayContaining([
        ['', 'Weekly sync (moved room)'],
        ['2026-03-30T15:00:00', 'Weekly sync (moved room)'],
      ]),
    );
  });

  it('keeps the caller’s own default reminders: PUT …/settings (command role), GET (query role), a new event without reminders gets them; another user gets 404', async () => {
    const sub = '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f';
    const settings = `/scheduling/v1/calendars/${encodeURIComponent(`personal:${sub}`)}/settings`;
    const put = await http(settings, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...bearer(ann) },
      body: JSON.stringify({ defaultReminders: [{ offset: '-PT10M' }] }),
    });
    expect(put.status).toBe(200);
    const mine = { workspaceId: `personal:${sub}`, userId: sub, defaultReminders: [{ offset: '-PT10M' }] };
    expect(await put.json()).toMatchObject(mine);
    const got = await http(settings, { headers: bearer(ann) });
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject(mine);
    const created = await http('/scheduling/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(ann) },
      body: JSON.stringify({
        title: 'Defaulted',
        start: '2026-05-04T09:00:00',
        end: '2026-05-04T10:00:00',
        timeZone: 'Europe/Berlin',
      }),
    });
    expect(created.status).toBe(201);
    expect((await created.json()).reminders).toEqual([{ offset: '-PT10M' }]);
    // The feed (query role) carries it as a VALARM inside that VEVENT, as a subscribed client reads it.
    await vi.waitFor(
      async () => {
        const feed = await (await http(settings.replace('/settings', '.ics'), { headers: bearer(ann) })).text();
        const vevent = new ICAL.Component(ICAL.parse(feed))
          .getAllSubcomponents('vevent')
          .find((v) => v.getFirstPropertyValue('summary') === 'Defaulted');
        const alarms = vevent?.getAllSubcomponents('valarm') ?? [];
        expect(alarms.map((a) => `${a.getFirstPropertyValue('action')} ${a.getFirstPropertyValue('trigger')}`)).toEqual(
          ['DISPLAY -PT10M'],
        );
        expect(alarms[0]!.getFirstPropertyValue('description')).toBe('Defaulted');
      },
      { timeout: 10_000, interval: 100 },
    );
    const bob = await issuer.issue({
      sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f',
      roles: ['customer'],
      expiresInSec: 900,
    });
    for (const method of ['GET', 'PUT'] as const) {
      const res = await http(settings, {
        method,
        headers: { 'content-type': 'application/json', ...bearer(bob) },
        body: method === 'PUT' ? JSON.stringify({ defaultReminders: [] }) : undefined,
      });
      expect(res.status, method).toBe(404);
      expect(res.headers.get('content-type'), method).toContain('application/problem+json');
    }
  });
});
