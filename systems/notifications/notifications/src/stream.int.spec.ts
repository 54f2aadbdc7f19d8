import 'reflect-metadata';
import { ORDERING_EVENTS } from '@archipelago/commerce-contracts';
import { IDENTITY_EVENTS } from '@archipelago/identity-contracts';
import type { IncomingMessage } from '@archipelago/platform-messaging';
import { createHttpApp } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { IntegrationEventsMessageHandler } from './handler/messaging/integration-events.message-handler.js';
import { NOTIFICATIONS_DOMAIN_ERRORS, NotificationsModule } from './notifications.module.js';
import { migrateNotifications } from './repository/notifications.data-source.js';
import { NotificationsInfrastructure } from './repository/notifications.infrastructure.js';

// The live stream on two replicas of the service sharing one real Postgres database: a client on
// each, signals fanned out by LISTEN/NOTIFY; tickets, replay with `after`, read-state changes.
const ANN = { sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f', roles: ['customer'], email: 'ann@example.com' };
const PING_MS = 200;
let issuer: TestIssuer;
let ann: string;
const replicas: Array<{ app: NestFastifyApplication; infrastructure: NotificationsInfrastructure; base: string }> = [];
const sockets: WebSocket[] = [];

interface StreamMessage {
  type: 'notification' | 'read-state';
  notification: { id: string; read: boolean; data: { orderId?: string } };
}

const now = () => new Date().toISOString();
function message(event: { topic: string; type: string }, payload: unknown): IncomingMessage {
  return {
    id: randomUUID(),
    topic: event.topic,
    key: 'k',
    type: event.type,
    source: '/test',
    time: now(),
    payload,
    headers: {},
  };
}
async function confirmOrder(replica = 0): Promise<string> {
  const events = replicas[replica]!.app.get(IntegrationEventsMessageHandler);
  const orderId = randomUUID();
  await events.handle(
    message(ORDERING_EVENTS.OrderPlacedV1, {
      orderId,
      customerId: ANN.sub,
      items: [],
      total: { amount: 1, currency: 'EUR' },
      placedAt: now(),
    }),
  );
  await events.handle(message(ORDERING_EVENTS.OrderConfirmedV1, { orderId, at: now() }));
  return orderId;
}
async function ticket(replica = 0): Promise<string> {
  const res = await fetch(`${replicas[replica]!.base}/stream-tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ann}` },
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { ticket: string; expiresAt: string };
  expect(body.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return body.ticket;
}
const streamUrl = (replica: number, query: string) => `${replicas[replica]!.base.replace('http', 'ws')}/stream${query}`;
async function open(replica: number, after?: string, options: { autoPong?: boolean } = {}) {
  const ws = new WebSocket(streamUrl(replica, `?ticket=${await ticket(replica)}${after ? `&after=${after}` : ''}`), {
    autoPong: options.autoPong ?? true,
  });
  sockets.push(ws);
  const messages: StreamMessage[] = [];
  let pings = 0;
  let closed: number | undefined;
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as StreamMessage));
  ws.on('ping', () => (pings += 1));
  ws.on('close', (code) => (closed = code));
  await once(ws, 'open');
  return {
    ws,
    messages,
    /** Pings received so far. */
    pings: () => pings,
    /** The close code once the socket is closed (1006: cut off without a close frame). */
    closed: () => closed,
  };
}
/** Waits until `client` has a message about order `orderId`. */
async function receives(client: { messages: StreamMessage[] }, orderId: string): Promise<void> {
  await vi.waitFor(() => expect(client.messages.map((m) => m.notification.data.orderId)).toContain(orderId), {
    timeout: 10_000,
    interval: 20,
  });
}
const auth = () => ({ authorization: `Bearer ${ann}` });
async function unreadIds(): Promise<string[]> {
  const res = await fetch(`${replicas[0]!.base}/notifications?status=unread&limit=100`, { headers: auth() });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Array<{ id: string }> }).items.map((n) => n.id);
}
async function newestId(): Promise<string> {
  const res = await fetch(`${replicas[0]!.base}/notifications?limit=1`, { headers: auth() });
  return ((await res.json()) as { items: Array<{ id: string }> }).items[0]!.id;
}
/** The HTTP status the server answers an upgrade with (101 when the WebSocket opens). */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('error', (error) => reject(error));
  });
}

beforeAll(async () => {
  issuer = await startTestIssuer();
  ann = await issuer.issue({ ...ANN, expiresInSec: 900 });
  const url = await createTestDatabase('notifications_stream');
  await migrateNotifications(url, 'notifications');
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience, jwksCooldownMs: 0 };
  for (let i = 0; i < 2; i += 1) {
    const infrastructure = await NotificationsInfrastructure.open({
      databaseUrl: url,
      schema: 'notifications',
      transport: 'postgres',
    });
    // Pings every 200 ms (25 s in production) so the ping tests see several in a second.
    const module = NotificationsModule.forRoot(infrastructure, auth, { stream: { pingMs: PING_MS } });
    const app = await createHttpApp(module, {
      serviceName: 'notifications',
      config: {
        SERVICE_NAME: 'notifications',
        SYSTEM: 'notifications',
        HOST: '127.0.0.1',
        HTTP_PORT: 0,
        LOG_LEVEL: 'warn',
      },
      domainErrors: NOTIFICATIONS_DOMAIN_ERRORS,
      openapi: { title: 'notifications', version: '1' },
    });
    await infrastructure.start();
    await app.listen(0, '127.0.0.1');
    replicas.push({
      app,
      infrastructure,
      base: `${await app.getUrl()}/notifications/v1`.replace('[::1]', '127.0.0.1'),
    });
  }
  await replicas[0]!.app.get(IntegrationEventsMessageHandler).handle(
    message(IDENTITY_EVENTS.UserRegisteredV1, {
      id: ANN.sub,
      email: ANN.email,
      displayName: 'Ann',
      roles: ANN.roles,
      occurredAt: now(),
    }),
  );
}, 120_000);

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  for (const { app } of replicas) await app.close();
  await issuer?.close();
});

describe('notifications live stream (WebSocket) on two replicas', () => {
  it('a notification made on one replica reaches a client on each; a read-state change too', async () => {
    const a = await open(0);
    const b = await open(1);
    const orderId = await confirmOrder(0);
    for (const client of [a, b]) {
      await receives(client, orderId);
    }
    const id = a.messages.find((m) => m.notification.data.orderId === orderId)!.notification.id;
    expect(b.messages.find((m) => m.notification.id === id)).toMatchObject({
      type: 'notification',
      notification: { read: false },
    });
    const patch = await fetch(`${replicas[1]!.base}/notifications/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ann}`, 'content-type': 'application/json' },
      body: JSON.stringify({ read: true }),
    });
    expect(patch.status).toBe(200);
    for (const client of [a, b]) {
      await vi.waitFor(
        () =>
          expect(client.messages).toContainEqual({
            type: 'read-state',
            notification: expect.objectContaining({ id, read: true }),
          }),
        { timeout: 10_000, interval: 20 },
      );
    }
    a.ws.close();
    b.ws.close();
  });

  it('replays what was missed after `after`, in order, without duplicates, then goes live', async () => {
    const seen = await open(0);
    const last = await confirmOrder(0);
    await receives(seen, last);
    const lastId = seen.messages.at(-1)!.notification.id;
    seen.ws.close();
    const missed = [await confirmOrder(0), await confirmOrder(1), await confirmOrder(0)];
    const back = await open(1, lastId);
    await vi.waitFor(() => expect(back.messages).toHaveLength(3), { timeout: 10_000, interval: 20 });
    expect(back.messages.map((m) => [m.type, m.notification.data.orderId])).toEqual(
      missed.map((o) => ['notification', o]),
    );
    const live = await confirmOrder(0);
    await vi.waitFor(() => expect(back.messages).toHaveLength(4), { timeout: 10_000, interval: 20 });
    expect(back.messages[3]!.notification.data.orderId).toBe(live);
    expect(new Set(back.messages.map((m) => m.notification.id)).size).toBe(4);
    back.ws.close();
  });

  it('refuses a missing, unknown, reused or expired ticket with 401 before the upgrade, a bad `after` with 400', async () => {
    expect(await upgradeStatus(streamUrl(0, ''))).toBe(401);
    expect(await upgradeStatus(streamUrl(0, '?ticket=forged'))).toBe(401);
    const once = await ticket(0);
    expect(await upgradeStatus(streamUrl(1, `?ticket=${once}`))).toBe(101);
    expect(await upgradeStatus(streamUrl(0, `?ticket=${once}`))).toBe(401);
    const expired = await ticket(0);
    await replicas[0]!.infrastructure.pool.query(
      `UPDATE "notifications".stream_tickets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`,
    );
    expect(await upgradeStatus(streamUrl(0, `?ticket=${expired}`))).toBe(401);
    expect(await upgradeStatus(streamUrl(0, `?ticket=${await ticket(0)}&after=nope`))).toBe(400);
    expect((await fetch(`${replicas[0]!.base}/stream-tickets`, { method: 'POST' })).status).toBe(401);
  });

  it('answers a plain GET of the stream: 401 without a ticket, 426 with one (left unused)', async () => {
    expect((await fetch(`${replicas[0]!.base}/stream`)).status).toBe(401);
    const t = await ticket(0);
    const plain = await fetch(`${replicas[0]!.base}/stream?ticket=${t}`);
    expect(plain.status).toBe(426);
    expect(plain.headers.get('content-type')).toContain('application/problem+json');
    expect(await upgradeStatus(streamUrl(0, `?ticket=${t}`))).toBe(101);
  });
  it('pings every pingMs; a client that answers stays, one that does not is cut off', async () => {
    const answering = await open(0);
    const silent = await open(1, undefined, { autoPong: false });
    await vi.waitFor(() => expect(silent.closed()).toBe(1006), { timeout: 10_000, interval: 20 });
    expect(silent.pings()).toBeGreaterThanOrEqual(1);
    await vi.waitFor(() => expect(answering.pings()).toBeGreaterThanOrEqual(4), { timeout: 10_000, interval: 20 });
    expect(answering.ws.readyState).toBe(WebSocket.OPEN);
    answering.ws.close();
  });

  it('POST read-all sends a read-state message per notification it marked read, to every socket of the user', async () => {
    await confirmOrder(0);
    await confirmOrder(1);
    const unread = await unreadIds();
    expect(unread.length).toBeGreaterThanOrEqual(2);
    const other = await open(1);
    const readAll = await fetch(`${replicas[0]!.base}/notifications/read-all`, { method: 'POST', headers: auth() });
    expect(readAll.status).toBe(200);
    expect(await readAll.json()).toEqual({ updated: unread.length });
    // (The second order's own notification message may still reach the new socket: only read-states count.)
    const states = () => other.messages.filter((m) => m.type === 'read-state');
    await vi.waitFor(() => expect(states()).toHaveLength(unread.length), { timeout: 10_000, interval: 20 });
    expect(states().every((m) => m.notification.read)).toBe(true);
    expect(
      states()
        .map((m) => m.notification.id)
        .sort(),
    ).toEqual([...unread].sort());
    expect(await unreadIds()).toEqual([]);
    other.ws.close();
  });

  it('when the LISTEN connection is lost, open sockets are closed with 1012 and `after` brings back what was missed', async () => {
    const a = await open(0);
    const b = await open(1);
    const lastSeen = await newestId();
    const { rows } = await replicas[0]!.infrastructure.pool.query<{ terminated: boolean }>(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
       WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`,
    );
    expect(rows).toHaveLength(2);
    const missed = await confirmOrder(0);
    for (const client of [a, b]) {
      await vi.waitFor(() => expect(client.closed()).toBe(1012), { timeout: 10_000, interval: 20 });
    }
    const back = await open(1, lastSeen);
    await receives(back, missed);
    // Listening again: the next one arrives live, on both replicas.
    const again = await open(0);
    const live = await confirmOrder(1);
    for (const client of [back, again]) {
      await receives(client, live);
    }
    back.ws.close();
    again.ws.close();
  });
});
