import 'reflect-metadata';
import { TASKS_EVENTS } from '@archipelago/scheduling-contracts';
import type { IncomingMessage } from '@archipelago/platform-messaging';
import { openApiGaps } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, startPushEndpoint, type PushEndpoint } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { createNotificationsTestApp } from '../test/notifications-test-app.js';
import { IntegrationEventsMessageHandler } from './handler/messaging/integration-events.message-handler.js';
import { migrateNotifications } from './repository/notifications.data-source.js';
import { NotificationsInfrastructure } from './repository/notifications.infrastructure.js';
import { DeliverPushCommand } from './use-case/deliver-push/deliver-push.use-case.js';

// Web push on real parts: subscriptions over HTTP, real Postgres, web-push's RFC 8291 encryption
// and VAPID, and the harness's push endpoint that decrypts what it receives (or answers 410/500).
// Rounds are run by hand (DeliverPushCommand) so the test decides when time passes.
const ANN = { sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f', roles: ['customer'], email: 'ann@example.com' };
const BOB = { sub: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', roles: ['customer'], email: 'bob@example.com' };
const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:notifications@archipelago.local' };
let issuer: TestIssuer;
let tokens: { ann: string; bob: string };
let app: NestFastifyApplication;
let infrastructure: NotificationsInfrastructure;
let events: IntegrationEventsMessageHandler;
let base: string;
const endpoints: PushEndpoint[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (path: string, token: string, init: RequestInit = {}) =>
  fetch(`${base}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
  }) as Promise<JsonResponse>;
const subscribe = (token: string, subscription: unknown) =>
  http('/push-subscriptions', token, { method: 'POST', body: JSON.stringify(subscription) });
const round = () => app.get(CommandBus).execute(new DeliverPushCommand(new Date().toISOString())) as Promise<number>;
const assignTask = async (assigneeId: string) => {
  const taskId = randomUUID();
  const message: IncomingMessage = {
    id: randomUUID(),
    topic: TASKS_EVENTS.TaskAssignedV1.topic,
    key: taskId,
    type: TASKS_EVENTS.TaskAssignedV1.type,
    source: '/test',
    time: new Date().toISOString(),
    payload: { taskId, workspaceId: 'w', assigneeId, occurredAt: new Date().toISOString() },
    headers: {},
  };
  await events.handle(message);
  return taskId;
};
const pushDeliveries = async () =>
  (
    await infrastructure.pool.query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM "notifications".deliveries WHERE channel = 'push' ORDER BY id`,
    )
  ).rows;
const newEndpoint = async () => {
  const endpoint = await startPushEndpoint();
  endpoints.push(endpoint);
  return endpoint;
};

beforeAll(async () => {
  issuer = await startTestIssuer();
  tokens = {
    ann: await issuer.issue({ ...ANN, expiresInSec: 900 }),
    bob: await issuer.issue({ ...BOB, expiresInSec: 900 }),
  };
  const databaseUrl = await createTestDatabase('notifications_push');
  await migrateNotifications(databaseUrl, 'notifications');
  infrastructure = await NotificationsInfrastructure.open({
    databaseUrl,
    schema: 'notifications',
    transport: 'postgres',
  });
  app = await createNotificationsTestApp(infrastructure, issuer, {
    push: {
      vapid,
      allowHttpEndpoints: true,
      allowedEndpointHosts: ['127.0.0.1', '*.push.example'],
      maxSubscriptionsPerUser: 3,
      pollMs: 3_600_000, // rounds are run by the test
      policy: {
        maxAttempts: 2,
        initialBackoffMs: 0,
        maxBackoffMs: 0,
        ttlSeconds: 120,
        publicBaseUrl: 'http://localhost:8000',
        batchSize: 20,
      },
    },
  });
  await app.listen(0, '127.0.0.1');
  base = `${await app.getUrl()}/notifications/v1`.replace('[::1]', '127.0.0.1');
  events = app.get(IntegrationEventsMessageHandler);
  for (const user of [ANN, BOB]) {
    const res = await http('/preferences', tokens[user === ANN ? 'ann' : 'bob'], {
      method: 'PUT',
      body: JSON.stringify({ task: { push: true, email: false } }),
    });
    expect(res.status).toBe(200);
  }
}, 180_000);

afterAll(async () => {
  await app?.close();
  for (const endpoint of endpoints) await endpoint.stop();
  await issuer?.close();
});

describe('notifications web push', () => {
  it('answers the VAPID public key', async () => {
    const res = await http('/push/vapid-public-key', tokens.ann);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ publicKey: vapid.publicKey });
    expect((await fetch(`${base}/push/vapid-public-key`)).status).toBe(401);
  });

  it('subscribes a device idempotently, lists it, and refuses bad subscriptions with 400', async () => {
    const device = await newEndpoint();
    const created = await subscribe(tokens.ann, device.subscription);
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toEqual({
      id: expect.any(String),
      endpoint: device.subscription.endpoint,
      createdAt: expect.any(String),
    });
    const again = await subscribe(tokens.ann, device.subscription);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(body);
    expect((await (await http('/push-subscriptions', tokens.ann)).json()).items).toEqual([body]);
    expect((await (await http('/push-subscriptions', tokens.bob)).json()).items).toEqual([]);
    const badKeys = await subscribe(tokens.ann, { ...device.subscription, keys: { p256dh: 'AAAA', auth: 'AAAA' } });
    expect(badKeys.status).toBe(400);
    expect(badKeys.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const ftp = await subscribe(tokens.ann, { ...device.subscription, endpoint: 'ftp://a.push.example/x' });
    expect(ftp.status).toBe(400);
    const notUrl = await subscribe(tokens.ann, { ...device.subscription, endpoint: 'http://[' });
    expect(notUrl.status).toBe(400);
    expect((await notUrl.json()).code).toBe('PUSH_SUBSCRIPTION.INVALID');
    // Only the allowed push services' hosts (SSRF): not the cluster's, not a look-alike.
    for (const endpoint of [
      'http://localhost:5432/x',
      'https://169.254.169.254/latest/meta-data',
      'https://push.example/x',
      'https://push.example.evil.test/x',
      'https://evil.test/a.push.example',
    ]) {
      const refused = await subscribe(tokens.ann, { ...device.subscription, endpoint });
      expect(refused.status, endpoint).toBe(400);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((await refused.json()).code, endpoint).toBe('PUSH_SUBSCRIPTION.ENDPOINT_NOT_ALLOWED');
    }
    expect((await (await http('/push-subscriptions', tokens.ann)).json()).items).toEqual([body]);
    expect((await subscribe(tokens.ann, { ...device.subscription, endpoint: 'https://eu.a.push.example/x' })).status).toBe(201);
    expect((await http(`/push-subscriptions/${body.id}`, tokens.bob, { method: 'DELETE' })).status).toBe(404);
    expect((await http(`/push-subscriptions/${body.id}`, tokens.ann, { method: 'DELETE' })).status).toBe(204);
    expect((await http(`/push-subscriptions/${body.id}`, tokens.ann, { method: 'DELETE' })).status).toBe(404);
  });

  it('pushes the notification to each subscribed device, encrypted: the endpoint decrypts the payload', async () => {
    const phone = await newEndpoint();
    const laptop = await newEndpoint();
    expect((await subscribe(tokens.bob, phone.subscription)).status).toBe(201);
    expect((await subscribe(tokens.bob, laptop.subscription)).status).toBe(201);
    const taskId = await assignTask(BOB.sub);
    expect(await round()).toBe(2);
    const expected = (device: PushEndpoint) =>
      device.waitFor((p) => JSON.parse(p.text).link === `http://localhost:8000/scheduling/v1/tasks/${taskId}`);
    for (const device of [phone, laptop]) {
      const push = await expected(device);
      const payload = JSON.parse(push.text);
      expect(payload).toEqual({
        id: expect.any(String),
        title: expect.any(String),
        body: expect.any(String),
        link: `http://localhost:8000/scheduling/v1/tasks/${taskId}`,
        category: 'task',
      });
      expect(push.headers['content-encoding']).toBe('aes128gcm');
      expect(push.headers.ttl).toBe('120');
      expect(push.headers.authorization).toMatch(new RegExp(`^vapid t=.+, k=${vapid.publicKey}$`));
      const inbox = (await (await http('/notifications', tokens.bob)).json()).items;
      expect(inbox.find((n: { id: string }) => n.id === payload.id)).toMatchObject({ title: payload.title });
    }
    expect(await round()).toBe(0);
    expect((await pushDeliveries()).every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
  });

  it('deletes the subscription when the push service answers 410, and ends the delivery unretried', async () => {
    await infrastructure.pool.query(`DELETE FROM "notifications".push_subscriptions`);
    const device = await newEndpoint();
    expect((await subscribe(tokens.ann, device.subscription)).status).toBe(201);
    device.answerWith(410);
    await assignTask(ANN.sub);
    expect(await round()).toBe(1);
    const { rows } = await infrastructure.pool.query(
      `SELECT status, attempts, last_error FROM "notifications".deliveries WHERE channel = 'push' AND status <> 'sent'`,
    );
    expect(rows).toEqual([{ status: 'gone', attempts: 1, last_error: expect.stringContaining('410') }]);
    expect((await (await http('/push-subscriptions', tokens.ann)).json()).items).toEqual([]);
    expect(await round()).toBe(0);
    await assignTask(ANN.sub);
    expect((await pushDeliveries()).filter((d) => d.status === 'pending')).toEqual([]); // no device left
  });

  it('ends the pending deliveries of a subscription the user deleted, without sending them', async () => {
    const device = await newEndpoint();
    const { id } = await (await subscribe(tokens.bob, device.subscription)).json();
    await assignTask(BOB.sub);
    expect((await http(`/push-subscriptions/${id}`, tokens.bob, { method: 'DELETE' })).status).toBe(204);
    const before = (await pushDeliveries()).filter((d) => d.status === 'gone').length;
    expect(await round()).toBeGreaterThanOrEqual(1);
    expect((await pushDeliveries()).filter((d) => d.status === 'gone').length).toBeGreaterThan(before);
    expect((await pushDeliveries()).filter((d) => d.status === 'pending')).toEqual([]);
    expect(device.received()).toEqual([]);
  });

  it('retries a push service error (500), then marks the delivery dead with a dead-letter record', async () => {
    const device = await newEndpoint();
    expect((await subscribe(tokens.ann, device.subscription)).status).toBe(201);
    device.answerWith(500);
    await assignTask(ANN.sub);
    const pending = async () =>
      (
        await infrastructure.pool.query(
          `SELECT id, status, attempts, last_error FROM "notifications".deliveries WHERE channel = 'push' AND status IN ('pending', 'dead')`,
        )
      ).rows;
    expect(await round()).toBe(1);
    expect(await pending()).toEqual([
      { id: expect.any(String), status: 'pending', attempts: 1, last_error: expect.stringContaining('500') },
    ]);
    expect(await round()).toBe(1);
    const [dead] = await pending();
    expect(dead).toMatchObject({ status: 'dead', attempts: 2 });
    const letters = await infrastructure.pool.query(
      `SELECT attempts FROM "notifications".delivery_dead_letters WHERE delivery_id = $1`,
      [dead.id],
    );
    expect(letters.rows).toEqual([{ attempts: 2 }]);
    expect(await round()).toBe(0);
    expect(device.received()).toEqual([]);
    expect((await (await http('/push-subscriptions', tokens.ann)).json()).items).toHaveLength(1); // kept
  });
});

describe('notifications web push: bounded fan-out', () => {
  it('keeps the newest subscriptions of a user (3 here): one more deletes the oldest', async () => {
    await infrastructure.pool.query(`DELETE FROM "notifications".push_subscriptions`);
    const { keys } = (await newEndpoint()).subscription;
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const res = await subscribe(tokens.ann, { endpoint: `http://127.0.0.1:9/push/${n}`, keys });
      expect(res.status).toBe(201);
      ids.push((await res.json()).id);
    }
    const items = (await (await http('/push-subscriptions', tokens.ann)).json()).items;
    expect(items.map((i: { id: string }) => i.id)).toEqual(ids.slice(1));
  });
});

describe('notifications web push: OpenAPI', () => {
  it('describes the push operations with their answers and an example for every body', async () => {
    const res = await fetch(`${await app.getUrl()}/docs/openapi.json`.replace('[::1]', '127.0.0.1'));
    const doc = (await res.json()) as Parameters<typeof openApiGaps>[0] & {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(openApiGaps(doc)).toEqual([]);
    const post = doc.paths['/notifications/v1/push-subscriptions']!.post!;
    expect(Object.keys(post.responses).sort()).toEqual(expect.arrayContaining(['200', '201', '400', '401']));
    const del = doc.paths['/notifications/v1/push-subscriptions/{id}']!.delete!;
    expect(Object.keys(del.responses)).toEqual(expect.arrayContaining(['204', '400', '401', '404']));
  });
});
