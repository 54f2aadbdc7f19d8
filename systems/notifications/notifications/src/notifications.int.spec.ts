import 'reflect-metadata';
import { CATALOG_EVENTS, ORDERING_EVENTS, PAYMENTS_EVENTS } from '@archipelago/commerce-contracts';
import { IDENTITY_EVENTS } from '@archipelago/identity-contracts';
import { NOTIFICATIONS_EVENTS } from '@archipelago/notifications-contracts';
import type { IncomingMessage } from '@archipelago/platform-messaging';
import { openApiGaps } from '@archipelago/platform-service';
import { CREDENTIALS_EVENTS, REGISTRY_EVENTS } from '@archipelago/registry-contracts';
import { CALENDAR_EVENTS, TASKS_EVENTS } from '@archipelago/scheduling-contracts';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationsTestApp } from '../test/notifications-test-app.js';
import { IntegrationEventsMessageHandler } from './handler/messaging/integration-events.message-handler.js';
import { migrateNotifications } from './repository/notifications.data-source.js';
import { NotificationsInfrastructure } from './repository/notifications.infrastructure.js';

// Component test: the real notifications module over HTTP on real Postgres. Integration events are
// handed to the consumer's message handler as the transport would (same ids on redelivery); access
// tokens come from a test issuer serving a real JWKS.
const ADMIN = { sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f', roles: ['admin'], email: 'admin@archipelago.local' };
const ANN = { sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f', roles: ['customer'], email: 'ann@example.com' };
const BOB = { sub: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', roles: ['customer'], email: 'bob@example.com' };
/** The recipient of the "every handled event" cases (her inbox holds nothing else but her welcome). */
const CAROL = { sub: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', roles: ['customer'], email: 'carol@example.com' };
let issuer: TestIssuer;
let tokens: { admin: string; ann: string; bob: string; carol: string };
let app: NestFastifyApplication;
let infrastructure: NotificationsInfrastructure;
let events: IntegrationEventsMessageHandler;
let base: string;

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

function message(event: { topic: string; type: string }, payload: unknown, id = randomUUID()): IncomingMessage {
  return {
    id,
    topic: event.topic,
    key: 'k',
    type: event.type,
    source: '/test',
    time: new Date().toISOString(),
    payload,
    headers: {},
  };
}
const now = () => new Date().toISOString();
const register = (user: { sub: string; roles: string[]; email: string }) =>
  events.handle(
    message(IDENTITY_EVENTS.UserRegisteredV1, {
      id: user.sub,
      email: user.email,
      displayName: user.email.split('@')[0],
      roles: user.roles,
      occurredAt: now(),
    }),
  );
async function confirmOrder(customerId: string): Promise<{ orderId: string; confirmed: IncomingMessage }> {
  const orderId = randomUUID();
  await events.handle(
    message(ORDERING_EVENTS.OrderPlacedV1, {
      orderId,
      customerId,
      items: [],
      total: { amount: 1200, currency: 'EUR' },
      placedAt: now(),
    }),
  );
  const confirmed = message(ORDERING_EVENTS.OrderConfirmedV1, { orderId, at: now() });
  await events.handle(confirmed);
  return { orderId, confirmed };
}
const count = async (sql: string, values: unknown[] = []) =>
  (await infrastructure.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "notifications".${sql}`, values))
    .rows[0]!.n;

beforeAll(async () => {
  issuer = await startTestIssuer();
  tokens = {
    admin: await issuer.issue({ ...ADMIN, expiresInSec: 900 }),
    ann: await issuer.issue({ ...ANN, expiresInSec: 900 }),
    bob: await issuer.issue({ ...BOB, expiresInSec: 900 }),
    carol: await issuer.issue({ ...CAROL, expiresInSec: 900 }),
  };
  const url = await createTestDatabase('notifications');
  await migrateNotifications(url, 'notifications');
  infrastructure = await NotificationsInfrastructure.open({
    databaseUrl: url,
    schema: 'notifications',
    transport: 'postgres',
  });
  app = await createNotificationsTestApp(infrastructure, issuer);
  await app.listen(0, '127.0.0.1');
  base = `${await app.getUrl()}/notifications/v1`.replace('[::1]', '127.0.0.1');
  events = app.get(IntegrationEventsMessageHandler);
  for (const user of [ADMIN, ANN, BOB, CAROL]) await register(user);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await issuer?.close();
});

describe('notifications/notifications: events become notifications', () => {
  it('welcomes a registered user', async () => {
    const page = await (await http('/notifications', tokens.ann)).json();
    expect(page.items).toContainEqual(
      expect.objectContaining({ category: 'account', title: 'Welcome to Archipelago', read: false, archived: false }),
    );
  });

  it('an order confirmation notifies its customer once, even when delivered twice or the inbox row is lost', async () => {
    const { orderId, confirmed } = await confirmOrder(ANN.sub);
    await events.handle(confirmed); // redelivery: the inbox skips it
    await infrastructure.pool.query(`DELETE FROM "notifications".inbox WHERE message_id = $1`, [confirmed.id]);
    await events.handle(confirmed); // inbox row gone: the (event, recipient) unique constraint still holds
    expect(await count('notifications WHERE source_event_id = $1', [confirmed.id])).toBe(1);
    expect(
      await count(
        'deliveries d JOIN "notifications".notifications n ON n.id = d.notification_id WHERE n.source_event_id = $1',
        [confirmed.id],
      ),
    ).toBe(1);
    const page = await (await http('/notifications?status=unread', tokens.ann)).json();
    const n = page.items.find((i: { sourceEventId: string }) => i.sourceEventId === confirmed.id);
    expect(n).toMatchObject({
      category: 'order',
      title: 'Order confirmed',
      link: `/commerce/v1/orders/${orderId}`,
      data: { orderId },
      read: false,
    });
    const outbox = await infrastructure.pool.query(
      `SELECT payload FROM "notifications".outbox WHERE topic = $1 AND payload->>'notificationId' = $2`,
      [NOTIFICATIONS_EVENTS.NotificationCreatedV1.topic, n.id],
    );
    expect(outbox.rows).toHaveLength(1);
    expect(NOTIFICATIONS_EVENTS.NotificationCreatedV1.schema.parse(outbox.rows[0].payload)).toMatchObject({
      recipientId: ANN.sub,
      sourceEventId: confirmed.id,
    });
  });

  it('tells the reason of a cancellation', async () => {
    const orderId = randomUUID();
    await events.handle(
      message(ORDERING_EVENTS.OrderPlacedV1, {
        orderId,
        customerId: BOB.sub,
        items: [],
        total: { amount: 1, currency: 'EUR' },
        placedAt: now(),
      }),
    );
    await events.handle(message(ORDERING_EVENTS.OrderCancelledV1, { orderId, reason: 'out_of_stock', at: now() }));
    const page = await (await http('/notifications', tokens.bob)).json();
    expect(page.items[0]).toMatchObject({ title: 'Order cancelled', data: { orderId, reason: 'out_of_stock' } });
    expect(page.items[0].body).toContain('out_of_stock');
  });

  it('sends low stock to every admin, and to admins only', async () => {
    const productId = randomUUID();
    const low = message(CATALOG_EVENTS.LowStockDetectedV1, {
      productId,
      sku: 'SKU-1',
      available: 2,
      threshold: 5,
      occurredAt: now(),
    });
    await events.handle(low);
    const recipients = await infrastructure.pool.query(
      `SELECT recipient_id FROM "notifications".notifications WHERE source_event_id = $1`,
      [low.id],
    );
    expect(recipients.rows.map((r) => r.recipient_id)).toEqual([ADMIN.sub]);
    // a role change makes Bob an admin: the next alert reaches him too
    await events.handle(
      message(IDENTITY_EVENTS.UserRolesChangedV1, { id: BOB.sub, roles: ['customer', 'admin'], occurredAt: now() }),
    );
    const again = message(CATALOG_EVENTS.LowStockDetectedV1, {
      productId,
      sku: 'SKU-1',
      available: 1,
      threshold: 5,
      occurredAt: now(),
    });
    await events.handle(again);
    expect(await count('notifications WHERE source_event_id = $1', [again.id])).toBe(2);
    await events.handle(
      message(IDENTITY_EVENTS.UserRolesChangedV1, { id: BOB.sub, roles: ['customer'], occurredAt: now() }),
    );
  });

  it("tells a raised claim's attestor entity owners (ClaimRaisedV1 attestorUserIds), once per event and recipient", async () => {
    const claimId = randomUUID();
    const raised = message(REGISTRY_EVENTS.ClaimRaisedV1, {
      claimId,
      entityType: 'Teacher',
      entityId: randomUUID(),
      definitionId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      policy: 'employment',
      requester: ANN.sub,
      properties: ['/name'],
      occurredAt: now(),
      entityVersion: 1,
      values: { name: 'Ravi' },
      attestorRoles: [],
      attestorUserIds: [BOB.sub, ANN.sub],
    });
    await events.handle(raised);
    await events.handle(raised);
    const { rows } = await infrastructure.pool.query(
      `SELECT recipient_id, category, link FROM "notifications".notifications WHERE source_event_id = $1`,
      [raised.id],
    );
    expect(rows).toEqual([{ recipient_id: BOB.sub, category: 'attestation', link: `/registry/v1/claims/${claimId}` }]);
    const inbox = await (await http('/notifications?status=unread', tokens.bob)).json();
    expect(inbox.items.find((n: { sourceEventId: string }) => n.sourceEventId === raised.id)).toMatchObject({
      title: 'Attestation requested',
      data: { claimId, policy: 'employment' },
    });
    // One e-mail for the one notification, even though the event came twice.
    expect(
      await count(
        `deliveries WHERE channel = 'email' AND notification_id IN (SELECT id FROM "notifications".notifications WHERE source_event_id = $1)`,
        [raised.id],
      ),
    ).toBe(1);
  });

  it('rejects a malformed event (the transport retries, then dead-letters it) and skips unrelated types', async () => {
    await expect(events.handle(message(ORDERING_EVENTS.OrderConfirmedV1, { orderId: 1 }))).rejects.toThrow();
    await expect(events.handle(message(ORDERING_EVENTS.ReserveStockV1, { nonsense: true }))).resolves.toBeUndefined();
  });
});

describe('notifications/notifications: every handled event reaches its recipient', () => {
  /** Handles `event` and returns the notifications it made in CAROL's inbox (newest first). */
  async function carolGets(event: IncomingMessage) {
    await events.handle(event);
    const page = await (await http('/notifications?limit=100', tokens.carol)).json();
    return page.items.filter((n: { sourceEventId: string }) => n.sourceEventId === event.id);
  }

  it('tells the customer of a shipment, a delivery, a return and a refund (order link, data.orderId)', async () => {
    const orderId = randomUUID();
    const at = now();
    const [shipped] = await carolGets(
      message(ORDERING_EVENTS.OrderShippedV1, {
        orderId,
        customerId: CAROL.sub,
        carrier: 'DHL',
        trackingNumber: 'JD0146000012345',
        at,
      }),
    );
    expect(shipped).toMatchObject({
      category: 'order',
      title: 'Order shipped',
      link: `/commerce/v1/orders/${orderId}`,
      data: { orderId, carrier: 'DHL', trackingNumber: 'JD0146000012345' },
      read: false,
    });
    expect(shipped.body).toContain('JD0146000012345');
    const [delivered] = await carolGets(
      message(ORDERING_EVENTS.OrderDeliveredV1, { orderId, customerId: CAROL.sub, at }),
    );
    expect(delivered).toMatchObject({
      title: 'Order delivered',
      link: `/commerce/v1/orders/${orderId}`,
      data: { orderId },
    });
    const refund = { amount: 1250, currency: 'EUR' };
    const [returned] = await carolGets(
      message(ORDERING_EVENTS.OrderReturnedV1, { orderId, customerId: CAROL.sub, refund, at }),
    );
    expect(returned).toMatchObject({
      title: 'Order returned',
      link: `/commerce/v1/orders/${orderId}`,
      data: { orderId, refund },
    });
    expect(returned.body).toContain('12.50 EUR');
    const [refunded] = await carolGets(
      message(PAYMENTS_EVENTS.PaymentRefundedV1, {
        orderId,
        customerId: CAROL.sub,
        amount: { amount: 800, currency: 'EUR' },
        transactionId: 'tx-1',
      }),
    );
    expect(refunded).toMatchObject({
      title: 'Payment refunded',
      link: `/commerce/v1/orders/${orderId}`,
      data: { orderId, amount: { amount: 800, currency: 'EUR' } },
    });
    expect(refunded.body).toContain('8.00 EUR');
    // A zero-amount refund (a tombstone: nothing was captured) tells nobody anything.
    const tombstone = message(PAYMENTS_EVENTS.PaymentRefundedV1, {
      orderId: randomUUID(),
      customerId: CAROL.sub,
      amount: { amount: 0, currency: 'EUR' },
      transactionId: 'tx-2',
    });
    expect(await carolGets(tombstone)).toEqual([]);
    expect(await count('notifications WHERE source_event_id = $1', [tombstone.id])).toBe(0);
  });

  it('tells each recipient of a due reminder (ReminderDueV1: event link, data.eventId)', async () => {
    const eventId = randomUUID();
    const due = message(CALENDAR_EVENTS.ReminderDueV1, {
      key: `${eventId}:2026-12-08T09:00:00Z:-PT15M`,
      eventId,
      workspaceId: 'w',
      recurrenceId: null,
      occurrenceStart: '2026-12-08T09:00:00Z',
      dueAt: '2026-12-08T08:45:00Z',
      recipients: [CAROL.sub],
      occurredAt: now(),
    });
    const [reminder] = await carolGets(due);
    expect(reminder).toMatchObject({
      category: 'reminder',
      title: 'Reminder',
      link: `/scheduling/v1/events/${eventId}`,
      data: { eventId, occurrenceStart: '2026-12-08T09:00:00Z' },
    });
    expect(reminder.body).toContain('2026-12-08T09:00:00Z');
  });

  it("tells a claim's requester the decision (ClaimAttestedV1, ClaimRejectedV1: claim link, data.entityId)", async () => {
    const base = {
      entityType: 'Teacher',
      entityId: randomUUID(),
      definitionId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      policy: 'employment',
      requester: CAROL.sub,
      properties: ['/name'],
      occurredAt: now(),
    };
    const attestedClaim = randomUUID();
    const [attested] = await carolGets(
      message(REGISTRY_EVENTS.ClaimAttestedV1, {
        ...base,
        claimId: attestedClaim,
        entityVersion: 1,
        attestor: ADMIN.sub,
        attestedData: { name: 'Carol' },
        note: 'checked with the school',
      }),
    );
    expect(attested).toMatchObject({
      category: 'attestation',
      title: 'Attestation approved',
      link: `/registry/v1/claims/${attestedClaim}`,
      data: {
        claimId: attestedClaim,
        entityType: 'Teacher',
        entityId: base.entityId,
        policy: 'employment',
        decision: 'attested',
      },
    });
    expect(attested.body).toContain('checked with the school');
    const rejectedClaim = randomUUID();
    const [rejected] = await carolGets(
      message(REGISTRY_EVENTS.ClaimRejectedV1, {
        ...base,
        claimId: rejectedClaim,
        attestor: ADMIN.sub,
        note: 'no such employee',
      }),
    );
    expect(rejected).toMatchObject({
      title: 'Attestation rejected',
      link: `/registry/v1/claims/${rejectedClaim}`,
      data: { claimId: rejectedClaim, entityId: base.entityId, decision: 'rejected' },
    });
    expect(rejected.body).toContain('no such employee');
  });

  it("tells a credential's holder of its issuance and revocation (credential link, data.entityId)", async () => {
    const credentialId = randomUUID();
    const entityId = randomUUID();
    const [issued] = await carolGets(
      message(CREDENTIALS_EVENTS.CredentialIssuedV1, {
        credentialId,
        entityType: 'Teacher',
        entityId,
        holder: CAROL.sub,
        types: ['VerifiableCredential', 'TeacherCredential'],
        cause: 'attestation',
        claimId: randomUUID(),
        occurredAt: now(),
      }),
    );
    expect(issued).toMatchObject({
      category: 'credential',
      title: 'Credential issued',
      link: `/registry/v1/credentials/${credentialId}`,
      data: { credentialId, entityType: 'Teacher', entityId, types: ['VerifiableCredential', 'TeacherCredential'] },
    });
    expect(issued.body).toContain('TeacherCredential');
    const [revoked] = await carolGets(
      message(CREDENTIALS_EVENTS.CredentialRevokedV1, {
        credentialId,
        entityType: 'Teacher',
        entityId,
        reason: 'manager',
        holder: CAROL.sub,
        occurredAt: now(),
      }),
    );
    expect(revoked).toMatchObject({
      category: 'credential',
      title: 'Credential revoked',
      link: `/registry/v1/credentials/${credentialId}`,
      data: { credentialId, entityType: 'Teacher', entityId, reason: 'manager' },
    });
  });
});

describe('notifications/notifications: the inbox over HTTP', () => {
  it('pages newest first with a keyset cursor, and `after` returns only newer ones', async () => {
    const before = (await (await http('/notifications?limit=1', tokens.ann)).json()).items[0].id as string;
    const orders: string[] = [];
    for (let i = 0; i < 3; i += 1) orders.push((await confirmOrder(ANN.sub)).orderId);
    const newer = await (await http(`/notifications?after=${before}`, tokens.ann)).json();
    expect(newer.items.map((n: { data: { orderId: string } }) => n.data.orderId)).toEqual([...orders].reverse());
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await (
        await http(`/notifications?limit=2${cursor ? `&cursor=${cursor}` : ''}`, tokens.ann)
      ).json();
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(await count('notifications WHERE recipient_id = $1', [ANN.sub]));
  });

  it('marks read (idempotently), archives, counts unread, reads all; another user’s is 404', async () => {
    const unread = (await (await http('/notifications/unread-count', tokens.ann)).json()).unread as number;
    expect(unread).toBeGreaterThan(1);
    const first = (await (await http('/notifications?status=unread&limit=1', tokens.ann)).json()).items[0];
    for (let i = 0; i < 2; i += 1) {
      const res = await http(`/notifications/${first.id}`, tokens.ann, {
        method: 'PATCH',
        body: JSON.stringify({ read: true }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ...first, read: true });
    }
    expect((await (await http('/notifications/unread-count', tokens.ann)).json()).unread).toBe(unread - 1);
    const read = await (await http('/notifications?status=read', tokens.ann)).json();
    expect(read.items.map((n: { id: string }) => n.id)).toContain(first.id);
    expect(
      (await http(`/notifications/${first.id}`, tokens.bob, { method: 'PATCH', body: '{"read":false}' })).status,
    ).toBe(404);
    expect(
      (await http(`/notifications/${randomUUID()}`, tokens.ann, { method: 'PATCH', body: '{"read":false}' })).status,
    ).toBe(404);
    await http(`/notifications/${first.id}`, tokens.ann, { method: 'PATCH', body: '{"archived":true}' });
    const archived = await (await http('/notifications?status=archived', tokens.ann)).json();
    expect(archived.items.map((n: { id: string }) => n.id)).toEqual([first.id]);
    expect(
      (await (await http('/notifications', tokens.ann)).json()).items.map((n: { id: string }) => n.id),
    ).not.toContain(first.id);
    const all = await http('/notifications/read-all', tokens.ann, { method: 'POST' });
    expect(all.status).toBe(200);
    expect((await all.json()).updated).toBe(unread - 1);
    expect((await (await http('/notifications/unread-count', tokens.ann)).json()).unread).toBe(0);
  });

  it('answers 400 problem+json for bad input and 401 without a token', async () => {
    for (const [path, init] of [
      ['/notifications?status=new', {}],
      ['/notifications?limit=0', {}],
      ['/notifications?after=nope', {}],
      ['/notifications?cursor=forged', {}],
      [`/notifications/not-a-uuid`, { method: 'PATCH', body: '{"read":true}' }],
      [`/notifications/${randomUUID()}`, { method: 'PATCH', body: '{"read":"yes"}' }],
      [`/notifications/${randomUUID()}`, { method: 'PATCH', body: '{"seen":true}' }],
      ['/preferences', { method: 'PUT', body: '{"order":{"sms":true}}' }],
      ['/preferences', { method: 'PUT', body: '{"gossip":{"email":true}}' }],
    ] as const) {
      const res = await http(path, tokens.ann, init);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await fetch(`${base}/notifications`)).status).toBe(401);
    expect((await fetch(`${base}/preferences`)).status).toBe(401);
  });
});

describe('notifications/notifications: preferences', () => {
  it('defaults, saves a change, and is respected: e-mail off → no delivery; in-app off → not in the inbox', async () => {
    const defaults = await (await http('/preferences', tokens.bob)).json();
    expect(defaults.order).toEqual({ in_app: true, email: true, push: false });
    const saved = await http('/preferences', tokens.bob, {
      method: 'PUT',
      body: JSON.stringify({ order: { email: false }, task: { in_app: false, email: false } }),
    });
    expect(saved.status).toBe(200);
    expect((await saved.json()).order).toEqual({ in_app: true, email: false, push: false });
    const { confirmed } = await confirmOrder(BOB.sub);
    expect(await count('notifications WHERE source_event_id = $1', [confirmed.id])).toBe(1);
    expect(
      await count(
        'deliveries d JOIN "notifications".notifications n ON n.id = d.notification_id WHERE n.source_event_id = $1',
        [confirmed.id],
      ),
    ).toBe(0);
    const task = message(TASKS_EVENTS.TaskAssignedV1, {
      taskId: randomUUID(),
      workspaceId: 'w',
      assigneeId: BOB.sub,
      occurredAt: now(),
    });
    await events.handle(task);
    expect(await count('notifications WHERE source_event_id = $1', [task.id])).toBe(0);
    const other = message(TASKS_EVENTS.TaskAssignedV1, {
      taskId: randomUUID(),
      workspaceId: 'w',
      assigneeId: ANN.sub,
      occurredAt: now(),
    });
    await events.handle(other);
    expect(await count('notifications WHERE source_event_id = $1', [other.id])).toBe(1);
  });
});

describe('notifications/notifications: OpenAPI', () => {
  it('describes every operation and has an example for every body', async () => {
    const res = await fetch(`${await app.getUrl()}/docs/openapi.json`.replace('[::1]', '127.0.0.1'));
    const doc = (await res.json()) as Parameters<typeof openApiGaps>[0];
    expect(openApiGaps(doc)).toEqual([]);
  });
});

describe('notifications/notifications: security messages of identity', () => {
  it('tells the user that two-step verification was turned on, then off (TotpEnabledV1, TotpDisabledV1)', async () => {
    await events.handle(message(IDENTITY_EVENTS.TotpEnabledV1, { id: BOB.sub, occurredAt: now() }));
    await events.handle(message(IDENTITY_EVENTS.TotpDisabledV1, { id: BOB.sub, occurredAt: now() }));
    const page = await (await http('/notifications', tokens.bob)).json();
    const security = page.items.filter((n: { category: string }) => n.category === 'security');
    expect(security.map((n: { title: string }) => n.title)).toEqual([
      'Two-step verification turned off',
      'Two-step verification turned on',
    ]);
  });

  it('tells the user of a password change and of a new sign-in, once per event, whatever the opt-outs', async () => {
    const saved = await http('/preferences', tokens.bob, {
      method: 'PUT',
      body: JSON.stringify({ security: { in_app: false, email: false } }),
    });
    expect(saved.status).toBe(200);
    const changed = message(IDENTITY_EVENTS.PasswordChangedV1, { id: BOB.sub, how: 'change', occurredAt: now() });
    const signIn = message(IDENTITY_EVENTS.NewSignInDetectedV1, {
      id: BOB.sub,
      sessionId: randomUUID(),
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile/15E148 Safari/604.1',
      device: 'Safari on iOS',
      network: '2001:db8:7::/48',
      occurredAt: now(),
    });
    for (const event of [changed, signIn, changed, signIn]) await events.handle(event); // each delivered twice
    for (const { id } of [changed, signIn]) {
      expect(await count('notifications WHERE source_event_id = $1', [id])).toBe(1);
      expect(
        await count(
          `deliveries d JOIN "notifications".notifications n ON n.id = d.notification_id
            WHERE n.source_event_id = $1 AND d.channel = 'email'`,
          [id],
        ),
      ).toBe(1);
    }
    const page = await (await http('/notifications?limit=5', tokens.bob)).json();
    expect(
      page.items
        .filter((n: { sourceEventId: string }) => [changed.id, signIn.id].includes(n.sourceEventId))
        .map((n: { title: string; link: string; category: string }) => [n.category, n.title, n.link]),
    ).toEqual([
      ['security', 'New sign-in to your account', '/identity/v1/users/me/sessions'],
      ['security', 'Your password was changed', '/identity/v1/users/me'],
    ]);
  });
});
