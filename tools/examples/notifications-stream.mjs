// Watches a user's notifications live over the WebSocket stream, through the edge of the running
// platform (`npm start`), with the `ws` library: what a browser does with `new WebSocket(url)`.
//
//   node tools/examples/notifications-stream.mjs [edge] [e-mail] [password]
//
// Defaults: http://localhost:8000 and the local admin. Steps:
//   1. sign in (password grant) and take a single-use stream ticket (browsers cannot set an
//      Authorization header on a WebSocket, so the ticket rides in the URL and is worth nothing once
//      used or after 60 s);
//   2. open /notifications/v1/stream?ticket=…&after=<id>: the server first replays what is newer
//      than `after` (here: the newest notification, when there are two or more), then pushes every
//      change live;
//   3. with the socket open, place an order through the edge as that user: one unit of the first
//      product in stock, the wallet topped up by its price first (Idempotency-Key on both);
//   4. wait for the notification about that order (its `data.orderId`) to arrive on the socket —
//      "Order confirmed", or "Order cancelled" with the reason;
//   5. mark it read over HTTP and wait for the `read-state` message (a second tab would see it too).
// Prints each message and step; exits 0 when both messages came, 1 with what was missing after
// TIMEOUT_MS (default 30 000 ms) or at the first unexpected HTTP answer.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

const [edge = 'http://localhost:8000', email = 'admin@archipelago.local', password = 'archipelago-admin'] =
  process.argv.slice(2);
const api = `${edge}/notifications/v1`;
const timeoutMs = Number(process.env.TIMEOUT_MS || 30_000);

/** Ends the script with a message on stderr. */
function die(message) {
  console.error(`notifications-stream: ${message}`);
  process.exit(1);
}

/** fetch → the JSON body; dies on any status other than `expected`, showing the problem body. */
async function call(method, path, { expected = 200, token, body, headers = {} } = {}) {
  const res = await fetch(`${edge}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body && !(body instanceof URLSearchParams) ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body instanceof URLSearchParams ? body : body ? JSON.stringify(body) : undefined,
  }).catch((error) => die(`${method} ${path}: ${error.message} (is the platform running at ${edge}?)`));
  const text = await res.text();
  if (res.status !== expected) die(`${method} ${path} answered ${res.status}, not ${expected}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const { access_token: token } = await call('POST', '/identity/v1/token', {
  body: new URLSearchParams({ grant_type: 'password', username: email, password }),
});

// Replay the newest notification: ask for what is newer than the second newest.
const { items: newest } = await call('GET', '/notifications/v1/notifications?limit=2', { token });
const after = newest.length === 2 ? newest[1].id : undefined;
let toReplay = after ? 1 : 0;

const { ticket } = await call('POST', '/notifications/v1/stream-tickets', { token, expected: 201 });
const socket = new WebSocket(`${api.replace(/^http/, 'ws')}/stream?ticket=${ticket}${after ? `&after=${after}` : ''}`);

let order; // { id } once placed
let arrived; // the notification about the order, once it came
const early = []; // live notifications that came before the order's id was known
const timer = setTimeout(async () => {
  if (!order) die(`the order was not placed within ${timeoutMs} ms`);
  const status = await fetch(`${edge}/commerce/v1/orders/${order.id}`, {
    headers: { authorization: `Bearer ${token}` },
  })
    .then((r) => r.json())
    .then(
      (o) => o.status,
      () => 'unknown',
    );
  die(
    arrived
      ? `the read-state message for "${arrived.title}" did not arrive within ${timeoutMs} ms`
      : `order ${order.id} was placed (now "${status}") but no notification about it arrived on the stream within ${timeoutMs} ms`,
  );
}, timeoutMs);

/** Step 3: an order of one unit of the first product in stock, paid from a topped-up wallet. */
async function placeOrder() {
  const { items: products } = await call('GET', '/commerce/v1/products?limit=100');
  const product = products.find((p) => p.available > 0);
  if (!product) die('no product in stock to order (create one as the admin: POST /commerce/v1/products)');
  await call('POST', '/commerce/v1/wallet/deposits', {
    token,
    expected: 201,
    headers: { 'idempotency-key': randomUUID() },
    body: { amount: product.price },
  });
  order = await call('POST', '/commerce/v1/orders', {
    token,
    expected: 202,
    headers: { 'idempotency-key': randomUUID() },
    body: { items: [{ productId: product.id, quantity: 1 }] },
  });
  console.log(`order ${order.id} placed: 1 × ${product.name} (${order.status}); waiting for its notification`);
  const seen = early.find((n) => n.data?.orderId === order.id);
  if (seen) void orderArrived(seen);
}

/** Steps 4 and 5: the order's notification came; mark it read. */
async function orderArrived(notification) {
  if (arrived) return;
  arrived = notification;
  await call('PATCH', `/notifications/v1/notifications/${notification.id}`, { token, body: { read: true } });
}

socket.on('open', () => {
  console.log(`stream open${after ? ', replaying the newest notification' : ''}`);
  if (toReplay === 0) void placeOrder();
});
socket.on('message', (data) => {
  const { type, notification } = JSON.parse(String(data));
  console.log(`${type}: ${notification.title} (read: ${notification.read})`);
  if (type === 'notification' && toReplay > 0) {
    if (--toReplay === 0) void placeOrder();
  } else if (type === 'notification') {
    if (!order) early.push(notification);
    else if (notification.data?.orderId === order.id) void orderArrived(notification);
  } else if (type === 'read-state' && notification.id === arrived?.id && notification.read) {
    clearTimeout(timer);
    socket.close();
  }
});
socket.on('unexpected-response', (_req, res) => die(`the stream refused the upgrade: HTTP ${res.statusCode}`));
socket.on('error', (error) => die(`stream: ${error.message}`));
