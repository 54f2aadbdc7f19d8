// The user flow shared by every scenario (k6 v2 JavaScript, ES modules; runs in k6, not Node):
//   setup()    admin token → products with plenty of stock → a handful of customers with tokens
//   iteration  browse products → deposit (Idempotency-Key) → place an order → poll until terminal
//
// Environment (k6 reads the process environment; `-e NAME=value` works too):
//   BASE_URL          edge URL (default http://localhost:8000)
//   AUTH_MODE         `users` (default: register CUSTOMERS customers, password grant) or `client`
//                     (one client_credentials client, CLIENT_ID / CLIENT_SECRET; every VU is the same
//                     customer, i.e. one wallet and one rate-limit bucket of 6000 requests/min)
//   CUSTOMERS         customers to spread the VUs over (default per scenario); each customer is one
//                     bucket of the edge's per-user limit (6000/min), so keep CUSTOMERS ≥ requests/s ÷ 80
//   CUSTOMER_PREFIX   e-mail prefix (default k6-customer; accounts are reused between runs)
//   CUSTOMER_PASSWORD password of those accounts (default: a fixed local test password)
//   ADMIN_EMAIL / ADMIN_PASSWORD  the admin creating products (local defaults)
//   PRODUCT_IDS       comma-separated existing product ids: no admin needed, no products created
//   PRODUCTS          products to create (default per scenario), each with 1e9 units
//   SAGA_TIMEOUT_MS   give up polling an order after this long (default 15000; counted as stuck)
//   POLL_MS           poll interval during an order's first second (default 50; then ×1.5 up to 1 s)
import http from 'k6/http';
import exec from 'k6/execution';
import { check, fail, sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import { NAMES } from './slo.js';

export const BASE_URL = (__ENV.BASE_URL || 'http://localhost:8000').replace(/\/+$/, '');
const AUTH_MODE = __ENV.AUTH_MODE || 'users';
const SAGA_TIMEOUT_MS = Number(__ENV.SAGA_TIMEOUT_MS || 15000);
const POLL_S = Number(__ENV.POLL_MS || 50) / 1000;
const CURRENCY = __ENV.CURRENCY || 'USD';

/** Placement (just before POST /orders) → the first poll that sees `confirmed` or `cancelled`. */
export const sagaCompletion = new Trend('saga_completion_ms', true);
/**
 * The same span on the server's clock: the terminal order's `updatedAt − createdAt` (ordering's
 * timestamps of the placement and of the last saga step). Independent of POLL_MS, which only
 * bounds how late the client-side figure above sees the end (by up to one poll interval).
 */
export const sagaServer = new Trend('saga_server_ms', true);
const ordersPlaced = new Counter('orders_placed');
const ordersConfirmed = new Counter('orders_confirmed');
const ordersCancelled = new Counter('orders_cancelled');
const ordersStuck = new Counter('orders_stuck');
const relogins = new Counter('token_renewals');

const JSON_HEADERS = { 'content-type': 'application/json' };
const ok2xx = { min: 200, max: 299 };

/** Setup-only calls: 409 (already there) and 429 (retried) are expected, not failures. */
const setupParams = (name, headers = {}) => ({
  headers,
  tags: { name },
  responseCallback: http.expectedStatuses(ok2xx, 409, 429),
});

/** POST, retrying 429 (rate-limited) after Retry-After; the token endpoint allows 60/min per IP. */
function postPatiently(url, body, params, attempts = 8) {
  for (let attempt = 1; ; attempt++) {
    const res = http.post(url, body, params);
    if (res.status !== 429 || attempt >= attempts) return res;
    const wait = Math.min(Number(res.headers['Retry-After']) || 5, 61);
    console.warn(`${params.tags.name}: 429, retrying in ${wait}s (attempt ${attempt}/${attempts})`);
    sleep(wait);
  }
}

function tokenRequest(form, params) {
  const res = postPatiently(`${BASE_URL}/identity/v1/token`, form, params);
  if (res.status !== 200) return { res };
  const body = res.json();
  return { res, token: body.access_token, expiresIn: Number(body.expires_in) || 900, obtainedAt: Date.now() };
}

function passwordGrant(username, password, params = setupParams(NAMES.token)) {
  return tokenRequest({ grant_type: 'password', username, password }, params);
}

function clientGrant(params = setupParams(NAMES.token)) {
  return tokenRequest(
    { grant_type: 'client_credentials', client_id: __ENV.CLIENT_ID, client_secret: __ENV.CLIENT_SECRET },
    params,
  );
}

function createProducts(count, runId) {
  const email = __ENV.ADMIN_EMAIL || 'admin@archipelago.local';
  const admin = passwordGrant(email, __ENV.ADMIN_PASSWORD || 'archipelago-admin');
  if (!admin.token) fail(`admin token for ${email}: HTTP ${admin.res.status} ${admin.res.body}`);
  const auth = { ...JSON_HEADERS, authorization: `Bearer ${admin.token}` };
  const products = [];
  for (let i = 0; i < count; i++) {
    const body = {
      sku: `LOAD-${runId}-${i}`,
      name: `Load test product ${i}`,
      price: { amount: 199 + 37 * i, currency: CURRENCY },
      initialStock: 1_000_000_000,
    };
    const res = postPatiently(
      `${BASE_URL}/commerce/v1/products`,
      JSON.stringify(body),
      setupParams(NAMES.createProduct, auth),
    );
    if (res.status !== 201) fail(`create product: HTTP ${res.status} ${res.body}`);
    const p = res.json();
    products.push({ id: p.id, price: p.price.amount });
  }
  return products;
}

function existingProducts(ids, token) {
  return ids.map((id) => {
    const res = http.get(`${BASE_URL}/commerce/v1/products/${id}`, {
      headers: { authorization: `Bearer ${token}` },
      tags: { name: NAMES.getProduct },
    });
    if (res.status !== 200) fail(`product ${id}: HTTP ${res.status} ${res.body}`);
    return { id, price: res.json().price.amount };
  });
}

/** Registers (or reuses) `count` customers and logs each in; a reused e-mail is answered 202 like a new one and keeps its account. */
function customers(count) {
  const prefix = __ENV.CUSTOMER_PREFIX || 'k6-customer';
  const password = __ENV.CUSTOMER_PASSWORD || 'k6-load-test-password';
  const people = Array.from({ length: count }, (_, i) => ({ email: `${prefix}-${i}@example.com`, password }));
  for (let i = 0; i < people.length; i += 10) {
    const batch = people
      .slice(i, i + 10)
      .map((c) => [
        'POST',
        `${BASE_URL}/identity/v1/users`,
        JSON.stringify({ email: c.email, password: c.password, displayName: c.email.split('@')[0] }),
        setupParams(NAMES.register, JSON_HEADERS),
      ]);
    http.batch(batch).forEach((res, j) => {
      // 202 for a new and a reused address alike (no enumeration); 409 from identities before that.
      if (res.status !== 202 && res.status !== 409)
        fail(`register ${people[i + j].email}: HTTP ${res.status} ${res.body}`);
    });
  }
  return people.map((c) => {
    const t = passwordGrant(c.email, c.password);
    if (!t.token) fail(`token for ${c.email}: HTTP ${t.res.status} ${t.res.body} (another CUSTOMER_PASSWORD earlier?)`);
    return { ...c, token: t.token, expiresIn: t.expiresIn, obtainedAt: t.obtainedAt };
  });
}

/**
 * setup(): everything the VUs share. Runs once; its requests are tagged by name and 409/429 in it
 * are expected (reused accounts, the token endpoint's per-IP limit).
 */
export function setupFlow({ customers: defaultCustomers, products: defaultProducts }) {
  const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  let people;
  if (AUTH_MODE === 'client') {
    if (!__ENV.CLIENT_ID || !__ENV.CLIENT_SECRET) fail('AUTH_MODE=client needs CLIENT_ID and CLIENT_SECRET');
    const t = clientGrant();
    if (!t.token) fail(`client_credentials for ${__ENV.CLIENT_ID}: HTTP ${t.res.status} ${t.res.body}`);
    people = [{ client: true, token: t.token, expiresIn: t.expiresIn, obtainedAt: t.obtainedAt }];
  } else if (AUTH_MODE === 'users') {
    people = customers(Number(__ENV.CUSTOMERS || defaultCustomers));
  } else {
    fail(`AUTH_MODE must be users or client, not ${AUTH_MODE}`);
  }
  const products = __ENV.PRODUCT_IDS
    ? existingProducts(
        __ENV.PRODUCT_IDS.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        people[0].token,
      )
    : createProducts(Number(__ENV.PRODUCTS || defaultProducts), runId);
  if (!products.length) fail('no products');
  // Ordering learns new products from the catalog's events, a moment later (eventual consistency):
  // without this pause the first orders of a run can meet 422 ORDER.UNKNOWN_PRODUCT.
  if (!__ENV.PRODUCT_IDS) sleep(Number(__ENV.SETUP_SETTLE_S || 2));
  console.log(
    `setup: run ${runId}, ${people.length} customer(s) (${AUTH_MODE}), ${products.length} product(s) at ${BASE_URL}`,
  );
  return { runId, products, customers: people };
}

// Per-VU state (each VU has its own JavaScript runtime): its customer's current token.
let session;

/**
 * The VU's bearer token. Tokens live ≤ 15 min, so long runs renew them with the same grant, a
 * little before expiry and at a random moment per VU (the token endpoint allows 60/min per IP);
 * a 429 there keeps the old, still valid token and tries again later.
 */
function bearer(data) {
  if (!session) {
    const c = data.customers[(exec.vu.idInTest - 1) % data.customers.length];
    session = { ...c, renewAt: c.obtainedAt + (c.expiresIn - 90 - Math.random() * 240) * 1000 };
  }
  if (Date.now() >= session.renewAt) {
    const params = { tags: { name: NAMES.token }, responseCallback: http.expectedStatuses(200, 429) };
    const t = session.client
      ? clientGrant(params)
      : tokenRequest({ grant_type: 'password', username: session.email, password: session.password }, params);
    if (t.token) {
      relogins.add(1);
      session = { ...session, ...t, renewAt: t.obtainedAt + (t.expiresIn - 90 - Math.random() * 240) * 1000 };
    } else {
      session.renewAt = Date.now() + 10_000 + Math.random() * 20_000;
    }
  }
  return session.token;
}

// Unexpected answers are printed (a few per VU), so that a crossed threshold says why.
let explained = 0;
function explain(res, what) {
  if (explained >= 5) return;
  explained++;
  const body = String(res.body ?? '').slice(0, 400);
  console.warn(
    `${what}: HTTP ${res.status}${res.error ? ` (${res.error})` : ''} after ${res.timings.duration.toFixed(0)} ms: ${body}`,
  );
}

function json(res) {
  try {
    return res.json();
  } catch (_) {
    return undefined;
  }
}

/** One customer journey. `thinkSeconds` pauses at the end (closed-model scenarios only). */
export function iteration(data, thinkSeconds = 0) {
  const auth = { authorization: `Bearer ${bearer(data)}` };
  const withJson = { ...auth, ...JSON_HEADERS };

  // 1. Browse: a page of the catalogue, then the product to buy. The catalog reads are public at
  //    the edge, but a load run comes from one IP and anonymous reads share one per-IP bucket
  //    (3000/min locally), so the journey browses signed in (per-user limits).
  const list = http.get(`${BASE_URL}/commerce/v1/products?limit=20`, {
    headers: auth,
    tags: { name: NAMES.listProducts },
  });
  check(list, { 'products listed (200)': (r) => r.status === 200 && Array.isArray(json(r)?.items) });
  const product = data.products[Math.floor(Math.random() * data.products.length)];
  const quantity = 1 + Math.floor(Math.random() * 3);
  const detail = http.get(`${BASE_URL}/commerce/v1/products/${product.id}`, {
    headers: auth,
    tags: { name: NAMES.getProduct },
  });
  check(detail, { 'product in stock (200)': (r) => r.status === 200 && json(r)?.available >= quantity });

  // 2. Fund exactly this order, so the wallet never runs dry whatever the interleaving.
  const key = `load-${data.runId}-${exec.vu.idInTest}-${exec.vu.iterationInScenario}`;
  const deposit = http.post(
    `${BASE_URL}/commerce/v1/wallet/deposits`,
    JSON.stringify({ amount: { amount: product.price * quantity, currency: CURRENCY } }),
    { headers: { ...withJson, 'idempotency-key': `${key}-deposit` }, tags: { name: NAMES.deposit } },
  );
  if (!check(deposit, { 'deposit booked (201)': (r) => r.status === 201 })) explain(deposit, 'deposit');

  // 3. Place the order (202, pending), then 4. poll until the saga ends it.
  const placedAt = Date.now();
  const placed = http.post(
    `${BASE_URL}/commerce/v1/orders`,
    JSON.stringify({ items: [{ productId: product.id, quantity }] }),
    { headers: { ...withJson, 'idempotency-key': `${key}-order` }, tags: { name: NAMES.placeOrder } },
  );
  const order = json(placed);
  if (!check(placed, { 'order accepted (202 pending)': (r) => r.status === 202 && order?.status === 'pending' })) {
    explain(placed, 'place order');
    return;
  }
  ordersPlaced.add(1);
  let status = order.status;
  let current = order;
  // Every POLL_MS during the first second (the SLO's range: fine resolution), then backing off
  // ×1.5 up to 1 s, so that slow sagas are not buried under the test's own polling.
  let pause = POLL_S;
  while (status === 'pending' && Date.now() - placedAt < SAGA_TIMEOUT_MS) {
    if (Date.now() - placedAt > 1000) pause = Math.min(pause * 1.5, 1);
    sleep(pause);
    const res = http.get(`${BASE_URL}/commerce/v1/orders/${order.id}`, {
      headers: auth,
      tags: { name: NAMES.getOrder },
    });
    if (!check(res, { 'order readable (200)': (r) => r.status === 200 })) {
      explain(res, 'read order');
      continue;
    }
    current = json(res);
    status = current?.status ?? status;
  }
  const elapsed = Date.now() - placedAt;
  sagaCompletion.add(elapsed, { outcome: status });
  if (status !== 'pending') {
    const serverMs = Date.parse(current?.updatedAt) - Date.parse(current?.createdAt);
    if (Number.isFinite(serverMs)) sagaServer.add(serverMs, { outcome: status });
  }
  if (status === 'confirmed') ordersConfirmed.add(1);
  else if (status === 'cancelled') ordersCancelled.add(1, { reason: String(current?.cancellationReason) });
  else ordersStuck.add(1);
  check(current, {
    'order terminal before SAGA_TIMEOUT_MS': () => status !== 'pending',
    'order confirmed': () => status === 'confirmed',
  });
  if (thinkSeconds > 0) sleep(thinkSeconds);
}
