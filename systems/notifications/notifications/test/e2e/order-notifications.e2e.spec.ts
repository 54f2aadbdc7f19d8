import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startNotificationsStack, type NotificationsStack, type StackMember } from './notifications-stack.js';

// Issue 17 §4/§6, end to end on one stack shared by the file: identity, commerce, two
// notifications replicas and the edge as compiled processes (startNotificationsStack), a mail
// sink of the test's own. Every client request goes through the edge; the second replica's
// client connects to it directly (the edge has one upstream per service).
let stack: NotificationsStack;
let db: pg.Pool;
let ann: string;
let annId: string;
let admin: string;
let product: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
interface StreamMessage {
  type: 'notification' | 'read-state';
  notification: { id: string; title: string; read: boolean; data: { orderId?: string } };
}

async function call(
  path: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${stack.edgeUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Json };
}
async function login(username: string, password: string): Promise<string> {
  const res = await fetch(`${stack.edgeUrl}/identity/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
  });
  const body = (await res.json()) as { access_token: string };
  expect(res.status, `token for ${username}: ${JSON.stringify(body)}`).toBe(200);
  return body.access_token;
}

/** Places an order for one unit through the edge and waits until the saga confirms it; returns its id. */
async function confirmedOrder(): Promise<string> {
  const placed = await call('/commerce/v1/orders', {
    method: 'POST',
    token: ann,
    body: { items: [{ productId: product, quantity: 1 }] },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(202);
  const id = placed.body.id as string;
  await vi.waitFor(
    async () => expect((await call(`/commerce/v1/orders/${id}`, { token: ann })).body.status).toBe('confirmed'),
    { timeout: 60_000, interval: 250 },
  );
  return id;
}

async function ticket(): Promise<string> {
  const res = await call('/notifications/v1/stream-tickets', { method: 'POST', token: ann });
  expect(res.status).toBe(201);
  return res.body.ticket as string;
}
const wsBase = (member?: StackMember) => (member ? stack.url(member) : stack.edgeUrl).replace(/^http/, 'ws');
/** A client of the live stream, through the edge unless `member` names a replica. */
async function connect(options: { after?: string; member?: StackMember } = {}) {
  const query = `?ticket=${await ticket()}${options.after ? `&after=${options.after}` : ''}`;
  const ws = new WebSocket(`${wsBase(options.member)}/notifications/v1/stream${query}`);
  const messages: StreamMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as StreamMessage));
  await once(ws, 'open');
  return { ws, messages };
}
/** The HTTP status the server answers an upgrade with (101 when the WebSocket opens). */
function upgradeStatus(query: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsBase()}/notifications/v1/stream${query}`);
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('error', reject);
  });
}
const orderIdsOf = (messages: StreamMessage[]) => messages.map((m) => m.notification.data.orderId);

/** Ann's notifications of an order (every status, from the inbox through the edge). */
async function inboxOf(orderId: string) {
  const page = await call('/notifications/v1/notifications?limit=100', { token: ann });
  return (page.body.items as Array<{ id: string; title: string; read: boolean; data: { orderId?: string } }>).filter(
    (n) => n.data.orderId === orderId,
  );
}
/** E-mail deliveries of a notification as the database has them. */
async function deliveriesOf(notificationId: string) {
  const { rows } = await db.query<{ status: string }>(
    `SELECT status FROM notifications.deliveries WHERE notification_id = $1 AND channel = 'email'`,
    [notificationId],
  );
  return rows;
}
const mailsAbout = async (orderId: string) => (await stack.mail.messages()).filter((m) => m.text.includes(orderId));

beforeAll(async () => {
  stack = await startNotificationsStack();
  db = new pg.Pool({ connectionString: stack.postgres.url('notifications'), max: 2 });
  const registered = await call('/identity/v1/users', {
    method: 'POST',
    body: { email: 'ann@example.com', password: 'correct horse battery', displayName: 'Ann' },
  });
  // 202 whether or not the address is taken (no enumeration, issue 12 §3): the id comes from /users/me.
  expect(registered.status).toBe(202);
  ann = await login('ann@example.com', 'correct horse battery');
  annId = (await call('/identity/v1/users/me', { token: ann })).body.id;
  expect(annId).toMatch(/^[0-9a-f-]{36}$/);
  admin = await login('admin@archipelago.local', 'archipelago-admin');
  const created = await call('/commerce/v1/products', {
    method: 'POST',
    token: admin,
    body: { sku: 'E2E-NOTE-1', name: 'Notebook', price: { amount: 250, currency: 'USD' }, initialStock: 1_000 },
  });
  expect(created.status).toBe(201);
  product = created.body.id;
  const deposit = await call('/commerce/v1/wallet/deposits', {
    method: 'POST',
    token: ann,
    body: { amount: { amount: 1_000_000, currency: 'USD' } },
    headers: { 'idempotency-key': 'ann-first-deposit' },
  });
  expect(deposit.status).toBe(201);
  // Orders are priced from the catalog's read model, and notifications address Ann once
  // UserRegisteredV1 reached them (her welcome notification): wait for both.
  await vi.waitFor(
    async () => {
      expect((await call(`/commerce/v1/products/${product}`)).status).toBe(200);
      const page = await call('/notifications/v1/notifications', { token: ann });
      expect(page.body.items.length).toBeGreaterThan(0);
    },
    { timeout: 60_000, interval: 250 },
  );
}, 300_000);

afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

describe(`an order becomes a notification, end to end through the edge`, { timeout: 180_000 }, () => {
  let lastSeen: string;

  it('the confirmed order reaches a WebSocket client through the edge and one on the other replica, is unread in the inbox, and is e-mailed once', async () => {
    const viaEdge = await connect();
    const onReplicaB = await connect({ member: 'notifications-b' });
    const orderId = await confirmedOrder();
    for (const client of [viaEdge, onReplicaB]) {
      await vi.waitFor(() => expect(orderIdsOf(client.messages)).toContain(orderId), { timeout: 30_000, interval: 50 });
    }
    const pushed = viaEdge.messages.find((m) => m.notification.data.orderId === orderId)!;
    expect(pushed).toMatchObject({ type: 'notification', notification: { title: 'Order confirmed', read: false } });
    expect(onReplicaB.messages.filter((m) => m.notification.id === pushed.notification.id)).toHaveLength(1);
    expect(await inboxOf(orderId)).toEqual([expect.objectContaining({ id: pushed.notification.id, read: false })]);
    const unread = await call('/notifications/v1/notifications?status=unread&limit=100', { token: ann });
    expect(unread.body.items.map((n: { id: string }) => n.id)).toContain(pushed.notification.id);

    const mail = await stack.mail.waitFor((m) => m.text.includes(orderId), { timeoutMs: 30_000 });
    expect(mail.subject).toBe('Your order: Order confirmed');
    expect(mail.to.map((t) => t.address)).toEqual(['ann@example.com']);
    // Sent (recorded in the database), and exactly one message for it in the sink.
    await vi.waitFor(async () => expect(await deliveriesOf(pushed.notification.id)).toEqual([{ status: 'sent' }]), {
      timeout: 30_000,
      interval: 100,
    });
    expect(await mailsAbout(orderId)).toHaveLength(1);
    lastSeen = pushed.notification.id;
    viaEdge.ws.close();
    onReplicaB.ws.close();
  });

  it('a client that reconnects with `after` = the last id it saw gets exactly the three it missed, in order', async () => {
    const missed = [await confirmedOrder(), await confirmedOrder(), await confirmedOrder()];
    // Each of them is in the inbox before the client comes back.
    await vi.waitFor(
      async () => {
        for (const orderId of missed) expect(await inboxOf(orderId)).toHaveLength(1);
      },
      { timeout: 30_000, interval: 100 },
    );
    const back = await connect({ after: lastSeen });
    await vi.waitFor(() => expect(back.messages).toHaveLength(3), { timeout: 30_000, interval: 50 });
    expect(back.messages.map((m) => [m.type, m.notification.title, m.notification.data.orderId])).toEqual(
      missed.map((orderId) => ['notification', 'Order confirmed', orderId]),
    );
    // Live again: the next one arrives once, after the replayed ones.
    const live = await confirmedOrder();
    await vi.waitFor(() => expect(back.messages).toHaveLength(4), { timeout: 30_000, interval: 50 });
    expect(back.messages[3]!.notification.data.orderId).toBe(live);
    expect(new Set(back.messages.map((m) => m.notification.id)).size).toBe(4);
    back.ws.close();
  });

  it('refuses a missing, forged, reused or expired ticket with 401 before the upgrade (through the edge)', async () => {
    expect(await upgradeStatus('')).toBe(401);
    expect(await upgradeStatus('?ticket=forged')).toBe(401);
    const single = await ticket();
    expect(await upgradeStatus(`?ticket=${single}`)).toBe(101);
    expect(await upgradeStatus(`?ticket=${single}`)).toBe(401);
    const expired = await ticket();
    await db.query(
      `UPDATE notifications.stream_tickets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL AND user_id = $1`,
      [annId],
    );
    expect(await upgradeStatus(`?ticket=${expired}`)).toBe(401);
    expect((await call('/notifications/v1/stream-tickets', { method: 'POST' })).status).toBe(401);
  });

  it('respects the preferences: with e-mail off for `order` the notification is in the inbox and no e-mail is queued or sent', async () => {
    const saved = await call('/notifications/v1/preferences', {
      method: 'PUT',
      token: ann,
      body: { order: { email: false } },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.order).toEqual({ in_app: true, email: false, push: false });
    try {
      const orderId = await confirmedOrder();
      const [notification] = await vi.waitFor(
        async () => {
          const found = await inboxOf(orderId);
          expect(found).toHaveLength(1);
          return found;
        },
        { timeout: 30_000, interval: 100 },
      );
      // The delivery rows are written with the notification, in one transaction: none means none will be sent.
      expect(await deliveriesOf(notification!.id)).toEqual([]);
      expect(await mailsAbout(orderId)).toEqual([]);
    } finally {
      await call('/notifications/v1/preferences', { method: 'PUT', token: ann, body: { order: { email: true } } });
    }
  });

  it('SIGKILLed replicas (events waiting, then mid-delivery) and restarted: one notification per order, one e-mail per notification, none lost', async () => {
    const replicas: StackMember[] = ['notifications', 'notifications-b'];
    const before = new Set(
      (await db.query<{ id: string }>('SELECT id FROM notifications.notifications')).rows.map((r) => r.id),
    );
    /** Ann's order notifications made during this test, with their e-mail delivery's status. */
    const newNotifications = async () =>
      (
        await db.query<{ id: string; status: string | null }>(
          `SELECT n.id, d.status FROM notifications.notifications n
             LEFT JOIN notifications.deliveries d ON d.notification_id = n.id AND d.channel = 'email'
            WHERE n.category = 'order' AND n.recipient_id = $1`,
          [annId],
        )
      ).rows.filter((r) => !before.has(r.id));
    const kill = () => Promise.all(replicas.map((r) => stack.kill(r)));
    const restart = () => Promise.all(replicas.map((r) => stack.restart(r)));
    const mailsBefore = (await stack.mail.messages()).length;
    // Each SMTP greeting 800 ms late: every e-mail takes over 0.8 s, and the sink has it only at
    // the end, a moment before the sender knows and records it.
    stack.setSmtpDelay(800);
    try {
      // Crash 1: both replicas die; six orders are confirmed meanwhile, their events wait.
      await kill();
      const ids = await Promise.all(Array.from({ length: 6 }, () => confirmedOrder()));
      expect(await newNotifications()).toEqual([]);
      // One replica comes back (the only one sending): it consumes the six events and sends.
      await stack.restart('notifications');
      // Crash 2, mid-delivery: the sink has two of the six e-mails; 100 ms later (the second one
      // recorded, the third still waiting for its greeting) the replica is SIGKILLed.
      await vi.waitFor(
        async () => expect((await stack.mail.messages()).length).toBeGreaterThanOrEqual(mailsBefore + 2),
        {
          timeout: 60_000,
          interval: 20,
        },
      );
      await new Promise((r) => setTimeout(r, 100));
      await stack.kill('notifications');
      const atCrash = await newNotifications();
      expect(atCrash).toHaveLength(ids.length);
      expect(
        atCrash.filter((r) => r.status === 'sent').length,
        'the crash came while e-mails were still to be sent',
      ).toBeLessThan(ids.length);
      await restart();
      await vi.waitFor(
        async () => {
          const rows = await newNotifications();
          expect(rows).toHaveLength(ids.length);
          expect(rows.every((r) => r.status === 'sent')).toBe(true);
        },
        { timeout: 90_000, interval: 250 },
      );
      for (const orderId of ids) {
        const notes = await inboxOf(orderId);
        expect(notes, `notifications of order ${orderId}`).toHaveLength(1);
        expect(notes[0]!.title).toBe('Order confirmed');
        expect(await mailsAbout(orderId), `e-mails of order ${orderId}`).toHaveLength(1);
      }
    } finally {
      stack.setSmtpDelay(0);
    }
  });
});
