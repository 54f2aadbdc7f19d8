import { freePort } from '@archipelago/platform-local-postgres';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import {
  createTestDatabase,
  startMigratedService,
  startTestEdge,
  testMessagingEnv,
  type RunningProcess,
  type TestEdge,
} from '@archipelago/testing-harness';
import { createECDH } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';

// End to end: the compiled notifications service and the edge as real processes on real Postgres
// (and Kafka unless TEST_KAFKA=off); every request goes through the edge as a client sends it. A
// test issuer stands in for identity (its JWKS) and answers for the other upstreams of kong.yml.
let service: RunningProcess;
let edge: TestEdge;
let edgeUrl: string;
let issuer: TestIssuer;
let admin: string;
let customer: string;
const vapid = webpush.generateVAPIDKeys();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (path: string, init?: RequestInit) => fetch(`${edgeUrl}${path}`, init) as Promise<JsonResponse>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  issuer = await startTestIssuer();
  admin = await issuer.issue({
    sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f',
    roles: ['admin'],
    email: 'admin@archipelago.local',
    expiresInSec: 900,
  });
  customer = await issuer.issue({
    sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f',
    roles: ['customer'],
    email: 'ann@example.com',
    expiresInSec: 900,
  });
  const [httpPort, edgePort] = await Promise.all([freePort(), freePort()]);
  const env = {
    SERVICE_NAME: 'notifications',
    SYSTEM: 'notifications',
    HTTP_PORT: String(httpPort),
    DATABASE_URL: await createTestDatabase('notifications_e2e'),
    DB_SCHEMA: 'notifications',
    ...testMessagingEnv(),
    LOG_LEVEL: 'warn',
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    VAPID_SUBJECT: 'mailto:notifications@archipelago.local',
  };
  service = await startMigratedService({ name: 'notifications', entry: 'systems/notifications/notifications/src/main.ts', env });
  edge = await startTestEdge({
    port: edgePort,
    upstreams: { 'notifications.notifications:8080': `http://127.0.0.1:${httpPort}` },
    standIn: issuer.url,
    jwksUrl: issuer.jwksUrl,
  });
  edgeUrl = edge.url;
});

afterAll(async () => {
  await edge?.stop();
  await service?.stop();
  await issuer?.close();
});

describe('notifications/notifications through the edge', () => {
  it("serves the caller's inbox, unread count and preferences, with a request id on every answer", async () => {
    const page = await http('/notifications/v1/notifications', { headers: bearer(customer) });
    expect(page.status).toBe(200);
    expect(page.headers.get('x-request-id')).toBeTruthy();
    expect(await page.json()).toEqual({ items: [], nextCursor: null });
    expect(
      await (await http('/notifications/v1/notifications/unread-count', { headers: bearer(customer) })).json(),
    ).toEqual({
      unread: 0,
    });
    const saved = await http('/notifications/v1/preferences', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...bearer(admin) },
      body: JSON.stringify({ stock: { email: false } }),
    });
    expect(saved.status).toBe(200);
    expect((await saved.json()).stock).toEqual({ in_app: true, email: false, push: false });
  });

  it('refuses requests without a token at the edge (401) and another user’s notification (404)', async () => {
    expect((await http('/notifications/v1/notifications')).status).toBe(401);
    const patch = await http('/notifications/v1/notifications/0b5b4c9e-1d6f-7c38-9a57-3f2a1c0d9e11', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...bearer(customer) },
      body: JSON.stringify({ read: true }),
    });
    expect(patch.status).toBe(404);
    expect(patch.headers.get('content-type')).toContain('application/problem+json');
  });

  it('routes web push subscriptions: the VAPID public key, subscribe (201, then 200), list, unsubscribe', async () => {
    const key = await http('/notifications/v1/push/vapid-public-key', { headers: bearer(customer) });
    expect(key.status).toBe(200);
    expect(await key.json()).toEqual({ publicKey: vapid.publicKey });
    const subscription = {
      endpoint: 'http://127.0.0.1:9/push/e2e',
      keys: {
        p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
        auth: Buffer.alloc(16, 5).toString('base64url'),
      },
    };
    const post = () =>
      http('/notifications/v1/push-subscriptions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(customer) },
        body: JSON.stringify(subscription),
      });
    const created = await post();
    expect(created.status).toBe(201);
    const { id } = await created.json();
    expect((await post()).status).toBe(200);
    const list = await http('/notifications/v1/push-subscriptions', { headers: bearer(customer) });
    expect((await list.json()).items.map((s: { id: string }) => s.id)).toEqual([id]);
    const removed = await http(`/notifications/v1/push-subscriptions/${id}`, {
      method: 'DELETE',
      headers: bearer(customer),
    });
    expect(removed.status).toBe(204);
    expect((await http('/notifications/v1/push-subscriptions')).status).toBe(401);
  });
});
