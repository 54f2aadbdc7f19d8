// notifications: the notifications system under a steady open-model load (`npm run load -- notifications`).
// Setup, as the admin: one product with 10⁹ units (the trigger's stock); register USERS customers
// (`k6-notif-<i>@example.com`, reused between runs) and sign each in.
// Each iteration, as one of the users: list the inbox's first page, list what is newer than one of
// its ids (`after`, checked to return exactly the newer ones), read the unread count, mark the
// newest read (PATCH), mark all read (read-all), take a stream ticket, open the WebSocket stream with it
// (through the edge, k6/websockets) and, with the socket open, deposit an order's price and place
// the order; the iteration ends when the "Order confirmed" notification of that order arrives on
// the socket (notification_delivery_ms: just before the POST → the message), or after
// STREAM_TIMEOUT_MS after its placement (default 10 s: notifications_missed, a failed check).
// Env: RATE (iterations/s, default 2), DURATION (default 60s), USERS (default 4), BASE_URL,
// ADMIN_EMAIL / ADMIN_PASSWORD (the local admin's by default), STREAM_TIMEOUT_MS.
// SLOs below: a crossed threshold makes k6 exit 99 (do not loosen a value to pass: report it).
import http from 'k6/http';
import { check, fail, sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { WebSocket } from 'k6/websockets';
import { scenarioSummary } from '../lib/scenario-summary.js';
import {
  BASE_URL,
  constantRateOptions,
  num,
  passwordToken,
  registeredUser,
  setupParams,
} from '../lib/system-scenario.js';

const RATE = num('RATE', 2);
const USERS = num('USERS', 4);
const STREAM_TIMEOUT_MS = num('STREAM_TIMEOUT_MS', 10_000);
const PASSWORD = __ENV.USER_PASSWORD || 'k6 notifications password';
const ADMIN_EMAIL = __ENV.ADMIN_EMAIL || 'admin@archipelago.local';
const ADMIN_PASSWORD = __ENV.ADMIN_PASSWORD || 'archipelago-admin';
const CURRENCY = __ENV.CURRENCY || 'USD';

/** Request names (the `name` tag): thresholds and the report refer to them. */
export const NAMES = {
  list: 'GET /notifications/v1/notifications',
  listAfter: 'GET /notifications/v1/notifications?after={id}',
  unread: 'GET /notifications/v1/notifications/unread-count',
  read: 'PATCH /notifications/v1/notifications/{id}',
  readAll: 'POST /notifications/v1/notifications/read-all',
  ticket: 'POST /notifications/v1/stream-tickets',
  stream: 'GET /notifications/v1/stream (WebSocket)',
  deposit: 'POST /commerce/v1/wallet/deposits',
  placeOrder: 'POST /commerce/v1/orders',
};

/** Just before `POST /commerce/v1/orders` → the order's notification on the open WebSocket. */
const delivery = new Trend('notification_delivery_ms', true);
const missed = new Counter('notifications_missed');

/** The SLOs of notifications. */
export const SLO = {
  http_req_failed: ['rate<0.001'],
  checks: ['rate>0.999'],
  [`http_req_duration{name:${NAMES.list}}`]: ['p(95)<150'],
  [`http_req_duration{name:${NAMES.listAfter}}`]: ['p(95)<150'],
  [`http_req_duration{name:${NAMES.unread}}`]: ['p(95)<100'],
  [`http_req_duration{name:${NAMES.read}}`]: ['p(95)<150'],
  [`http_req_duration{name:${NAMES.readAll}}`]: ['p(95)<200'],
  [`http_req_duration{name:${NAMES.ticket}}`]: ['p(95)<150'],
  // The upgrade through the edge, the single-use ticket consumed on the way (one UPDATE).
  [`ws_connecting{name:${NAMES.stream}}`]: ['p(95)<200'],
  // Issue 17's two budgets added up: the saga (placement → confirmed, p95 < 1 s, the commerce SLO)
  // and the confirmation → WebSocket message on the postgres transport (p95 < 500 ms).
  notification_delivery_ms: ['p(95)<1500'],
};

export const options = constantRateOptions({
  name: 'notifications',
  rate: RATE,
  thresholds: {
    ...SLO,
    // The trigger's requests: report-only (`max>=0` never fails; commerce's scenarios judge them).
    [`http_req_duration{name:${NAMES.deposit}}`]: ['max>=0'],
    [`http_req_duration{name:${NAMES.placeOrder}}`]: ['max>=0'],
  },
  // An iteration waits for its order's notification: a second or two, up to STREAM_TIMEOUT_MS when
  // the machine is slow. VUs made mid-run start slowly on a busy machine (dropped iterations), so
  // enough are made up front.
  preAllocatedVUs: Math.max(10, RATE * 5),
  maxVUs: Math.max(40, RATE * 20),
  gracefulStop: `${Math.ceil(STREAM_TIMEOUT_MS / 1000) + 10}s`,
});

const JSON_HEADERS = { 'content-type': 'application/json' };

export function setup() {
  // Names this run's product SKU and deposit Idempotency-Keys (accounts are reused between runs).
  const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const admin = passwordToken(ADMIN_EMAIL, ADMIN_PASSWORD);
  const product = http.post(
    `${BASE_URL}/commerce/v1/products`,
    JSON.stringify({
      sku: `K6-NOTIF-${runId}`,
      name: 'k6 notifications product',
      price: { amount: 250, currency: CURRENCY },
      initialStock: 1_000_000_000,
    }),
    setupParams('POST /commerce/v1/products', { ...JSON_HEADERS, authorization: `Bearer ${admin}` }),
  );
  if (product.status !== 201) fail(`create product: ${product.status} ${product.body}`);
  const users = [];
  for (let i = 0; i < USERS; i++)
    users.push(registeredUser(`k6-notif-${i}@example.com`, PASSWORD, `k6 notifications ${i}`));
  // Ordering learns the new product from the catalog's events a moment later (else 422 UNKNOWN_PRODUCT).
  sleep(2);
  return { runId, product: { id: product.json('id'), price: product.json('price') }, users };
}

export default function (data) {
  const n = exec.scenario.iterationInTest;
  const bearer = data.users[n % data.users.length];
  const as = (name, extra = {}) => ({
    headers: { ...JSON_HEADERS, authorization: `Bearer ${bearer}`, ...extra },
    tags: { name },
  });
  const api = `${BASE_URL}/notifications/v1`;

  const page = http.get(`${api}/notifications?limit=20`, as(NAMES.list));
  if (!check(page, { 'inbox listed (200)': (r) => r.status === 200 })) return;
  const items = page.json('items');
  if (items.length > 0) {
    // `after` = an id the client has seen: the ones above it on the first page come back, it and
    // the ones below it do not ("newer" is the recipient's commit order, the page's order, not id
    // order; other VUs of the same user may add newer ones meanwhile).
    const seen = Math.min(2, items.length - 1);
    const after = items[seen].id;
    const newer = http.get(`${api}/notifications?after=${after}&limit=20`, as(NAMES.listAfter));
    check(newer, {
      'inbox after an id: exactly the newer ones (200)': (r) => {
        if (r.status !== 200) return false;
        const ids = r.json('items').map((i) => i.id);
        return (
          items.slice(0, seen).every((i) => ids.includes(i.id)) && items.slice(seen).every((i) => !ids.includes(i.id))
        );
      },
    });
  }
  const unread = http.get(`${api}/notifications/unread-count`, as(NAMES.unread));
  check(unread, { 'unread count (200)': (r) => r.status === 200 && Number.isInteger(r.json('unread')) });
  if (items.length > 0) {
    const read = http.patch(`${api}/notifications/${items[0].id}`, JSON.stringify({ read: true }), as(NAMES.read));
    check(read, { 'newest marked read (200)': (r) => r.status === 200 && r.json('read') === true });
  }
  // No body, so no content-type (a JSON content-type with an empty body is a 400).
  const all = http.post(`${api}/notifications/read-all`, null, {
    headers: { authorization: `Bearer ${bearer}` },
    tags: { name: NAMES.readAll },
  });
  check(all, { 'all marked read (200)': (r) => r.status === 200 && Number.isInteger(r.json('updated')) });
  const ticket = http.post(`${api}/stream-tickets`, null, {
    headers: { authorization: `Bearer ${bearer}` },
    tags: { name: NAMES.ticket },
  });
  if (!check(ticket, { 'stream ticket (201)': (r) => r.status === 201 })) return;

  const url = `${api.replace(/^http/, 'ws')}/stream?ticket=${encodeURIComponent(ticket.json('ticket'))}`;
  const ws = new WebSocket(url, null, { tags: { name: NAMES.stream } });
  let orderId;
  let placedAt = 0;
  let done = false;
  /** Ends the iteration's stream once: the check, the timer, the socket. */
  const finish = (confirmed, why) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (why) console.warn(`order ${orderId ?? '(not placed)'}: ${why}`);
    check(confirmed, { 'the order\'s "Order confirmed" arrived on the stream': (c) => c });
    ws.close();
  };
  // First the upgrade, then (re-armed at placement) the notification, each within STREAM_TIMEOUT_MS.
  let timer = setTimeout(
    () => finish(false, `the stream did not open within ${STREAM_TIMEOUT_MS} ms`),
    STREAM_TIMEOUT_MS,
  );
  ws.onopen = () => {
    // The trigger, with the socket open: a funded order of one unit (the saga confirms it).
    const deposit = http.post(
      `${BASE_URL}/commerce/v1/wallet/deposits`,
      JSON.stringify({ amount: data.product.price }),
      as(NAMES.deposit, { 'idempotency-key': `k6-notif-${data.runId}-${n}` }),
    );
    check(deposit, { 'price deposited (201)': (r) => r.status === 201 });
    placedAt = Date.now();
    const order = http.post(
      `${BASE_URL}/commerce/v1/orders`,
      JSON.stringify({ items: [{ productId: data.product.id, quantity: 1 }] }),
      as(NAMES.placeOrder),
    );
    if (!check(order, { 'order placed (202)': (r) => r.status === 202 }))
      return finish(false, `placing it answered ${order.status}`);
    orderId = order.json('id');
    clearTimeout(timer);
    timer = setTimeout(() => {
      missed.add(1);
      finish(false, `no notification on the stream within ${STREAM_TIMEOUT_MS} ms of its placement`);
    }, STREAM_TIMEOUT_MS);
  };
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type !== 'notification' || !orderId || message.notification.data?.orderId !== orderId) return;
    delivery.add(Date.now() - placedAt);
    const { title, body } = message.notification;
    finish(title === 'Order confirmed', title === 'Order confirmed' ? undefined : `"${title}": ${body}`);
  };
  ws.onerror = (event) => finish(false, `stream error: ${event.error}`);
  ws.onclose = () => finish(false, 'the stream closed before the notification came');
}

/** A plain report: SLOs with their measured values, then latency per request name. */
export const handleSummary = scenarioSummary({
  scenario: 'notifications',
  subtitle: `${BASE_URL}, ${RATE}/s, ${USERS} users`,
  slo: SLO,
  names: NAMES,
});
