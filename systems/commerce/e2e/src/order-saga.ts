import { randomUUID } from 'node:crypto';
import type { CommerceStack } from './commerce-stack.js';

/* Shared load and invariant checks of the order saga tests. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
export type Mint = (sub: string, roles: string[]) => Promise<string>;

async function call(url: string, token: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

/** Retries a request until it gets an answer below 500 (services may be restarting). */
async function persistently(url: string, token: string, init: Parameters<typeof call>[2] = {}, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const res = await call(url, token, init);
      if (res.status < 500 || Date.now() > deadline) return res;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface Scenario {
  products: Array<{ id: string; initial: number; price: number }>;
  customers: Array<{ id: string; token: string; deposited: number }>;
  orders: Array<{ id: string; customer: string; items: Array<{ productId: string; quantity: number }> }>;
}

/**
 * 20 customers (3 of them too poor to pay) each place 5 orders at once, racing for scarce stock
 * (three products, 50 units); each poor customer's first order is for a product in plenty.
 * Placement is retried with the same Idempotency-Key until the service answers, as a real client
 * would while services restart. `during` runs concurrently (faults).
 */
export async function runOrderRace(stack: CommerceStack, mint: Mint, during?: () => Promise<void>): Promise<Scenario> {
  const admin = await mint('admin-e2e', ['admin', 'customer']);
  const products: Scenario['products'] = [];
  for (const [i, spec] of [
    { initial: 12, price: 1500 },
    { initial: 8, price: 4200 },
    { initial: 30, price: 350 },
    // Plenty of stock, dearer than a poor customer's wallet: each poor customer's first order asks
    // for one, so the payment_declined path is exercised whatever order the race takes (the scarce
    // products may well be gone before a poor customer's order reaches the catalog).
    { initial: 1_000, price: 5_000 },
  ].entries()) {
    const res = await persistently(`${stack.urls.catalog}/commerce/v1/products`, admin, {
      method: 'POST',
      body: { sku: `SAGA-${i}-${randomUUID().slice(0, 8)}`, name: `Scarce ${i}`, price: { amount: spec.price, currency: 'USD' }, initialStock: spec.initial },
    });
    if (res.status !== 201) throw new Error(`product create ${res.status} ${JSON.stringify(res.body)}`);
    products.push({ id: res.body.id, ...spec });
  }
  // Prices come from catalog's read model (eventually consistent): wait until it lists them.
  for (const deadline = Date.now() + 30_000; ; ) {
    const page = await persistently(`${stack.urls.catalog}/commerce/v1/products?limit=100`, admin);
    const listed = new Set((page.body?.items ?? []).map((p: { id: string }) => p.id));
    if (products.every((p) => listed.has(p.id))) break;
    if (Date.now() > deadline) throw new Error('products never appeared in the catalog list');
    await new Promise((r) => setTimeout(r, 100));
  }
  const customers: Scenario['customers'] = [];
  for (let i = 0; i < 20; i++) {
    const id = randomUUID();
    const token = await mint(id, ['customer']);
    const deposited = i < 3 ? 300 : 40_000;
    const res = await persistently(`${stack.urls.payments}/commerce/v1/wallet/deposits`, token, {
      method: 'POST',
      body: { amount: { amount: deposited, currency: 'USD' } },
      headers: { 'idempotency-key': `deposit-${id}` },
    });
    if (res.status !== 201) throw new Error(`deposit ${res.status} ${JSON.stringify(res.body)}`);
    customers.push({ id, token, deposited });
  }
  const orders: Scenario['orders'] = [];
  const faults = during?.();
  await Promise.all(
    customers.flatMap((customer, c) =>
      Array.from({ length: 5 }, async (_, n) => {
        const [scarce, plentiful] = [products.slice(0, 3), products[3]!];
        const poor = customer.deposited < 1000;
        const items =
          poor && n === 0
            ? [{ productId: plentiful.id, quantity: 1 }]
            : scarce
                .filter((_, p) => (c + n + p) % 2 === 0)
                .map((p, k) => ({ productId: p.id, quantity: 1 + ((c + n + k) % 3) }));
        if (items.length === 0) items.push({ productId: scarce[0]!.id, quantity: 1 });
        const res = await persistently(`${stack.urls.ordering}/commerce/v1/orders`, customer.token, {
          method: 'POST',
          body: { items },
          headers: { 'idempotency-key': `order-${customer.id}-${n}` },
        }, 120_000);
        if (res.status !== 202 && res.status !== 200) throw new Error(`place order ${res.status} ${JSON.stringify(res.body)}`);
        orders.push({ id: res.body.id, customer: customer.id, items });
      }),
    ),
  );
  await faults;
  return { products, customers, orders };
}

/** Polls every order until it is confirmed or cancelled; returns them (throws after `ms`). */
export async function settle(stack: CommerceStack, scenario: Scenario, ms = 120_000): Promise<Map<string, Json>> {
  const byCustomer = new Map(scenario.customers.map((c) => [c.id, c.token]));
  const final = new Map<string, Json>();
  const deadline = Date.now() + ms;
  while (final.size < scenario.orders.length) {
    for (const order of scenario.orders) {
      if (final.has(order.id)) continue;
      const res = await persistently(`${stack.urls.ordering}/commerce/v1/orders/${order.id}`, byCustomer.get(order.customer)!);
      if (res.status === 200 && (res.body.status === 'confirmed' || res.body.status === 'cancelled')) final.set(order.id, res.body);
    }
    if (final.size < scenario.orders.length) {
      if (Date.now() > deadline) {
        throw new Error(`${scenario.orders.length - final.size} orders still pending after ${ms / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return final;
}

/** What the books say after the run: product availability and wallet balances. */
export async function books(stack: CommerceStack, scenario: Scenario, mint: Mint) {
  const admin = await mint('admin-e2e', ['admin', 'customer']);
  const available = new Map<string, number>();
  for (const p of scenario.products) {
    const res = await persistently(`${stack.urls.catalog}/commerce/v1/products/${p.id}`, admin);
    available.set(p.id, res.body.available);
  }
  const wallets = new Map<string, { balance: number; payments: Json[]; refunds: Json[] }>();
  for (const c of scenario.customers) {
    const wallet = await persistently(`${stack.urls.payments}/commerce/v1/wallet`, c.token);
    const items: Json[] = [];
    let cursor: string | null = null;
    do {
      const page = await persistently(
        `${stack.urls.payments}/commerce/v1/wallet/transactions?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        c.token,
      );
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    wallets.set(c.id, {
      balance: wallet.body.balance.amount,
      payments: items.filter((t) => t.type === 'payment'),
      refunds: items.filter((t) => t.type === 'refund'),
    });
  }
  return { available, wallets };
}

/**
 * Fulfilment and returns after the race: the admin ships and delivers every confirmed order, then
 * every second delivered order is returned by its customer — each return request sent twice at
 * once, as a client retrying would. `during` runs concurrently with the returns (faults). Waits
 * until every order is delivered or returned and returns the orders' final state.
 */
export async function fulfilAndReturn(
  stack: CommerceStack,
  scenario: Scenario,
  final: Map<string, Json>,
  mint: Mint,
  during?: () => Promise<void>,
  ms = 180_000,
): Promise<Map<string, Json>> {
  const admin = await mint('admin-e2e', ['admin', 'customer']);
  const byCustomer = new Map(scenario.customers.map((c) => [c.id, c.token]));
  const confirmed = [...final.values()].filter((o) => o.status === 'confirmed');
  for (const order of confirmed) {
    const url = `${stack.urls.ordering}/commerce/v1/orders/${order.id}`;
    const shipped = await persistently(`${url}/shipment`, admin, { method: 'POST', body: { carrier: 'DHL', trackingNumber: `T-${order.id.slice(0, 8)}` } });
    if (shipped.status !== 200) throw new Error(`ship ${shipped.status} ${JSON.stringify(shipped.body)}`);
    const delivered = await persistently(`${url}/delivery`, admin, { method: 'POST' });
    if (delivered.status !== 200) throw new Error(`deliver ${delivered.status} ${JSON.stringify(delivered.body)}`);
  }
  const toReturn = confirmed.filter((_, i) => i % 2 === 0);
  const faults = during?.();
  await Promise.all(
    toReturn.flatMap((order) =>
      [0, 1].map(async () => {
        const res = await persistently(`${stack.urls.ordering}/commerce/v1/orders/${order.id}/return`, byCustomer.get(order.customerId)!, { method: 'POST' }, 120_000);
        if (res.status !== 202) throw new Error(`return ${res.status} ${JSON.stringify(res.body)}`);
      }),
    ),
  );
  await faults;
  const expected = new Map(confirmed.map((o) => [o.id, toReturn.includes(o) ? 'returned' : 'delivered']));
  const after = new Map(final);
  const deadline = Date.now() + ms;
  for (;;) {
    let open = 0;
    for (const [id, status] of expected) {
      if (after.get(id)?.status === status) continue;
      const res = await persistently(`${stack.urls.ordering}/commerce/v1/orders/${id}`, admin);
      if (res.status === 200 && res.body.status === status) after.set(id, res.body);
      else open++;
    }
    if (open === 0) return after;
    if (Date.now() > deadline) throw new Error(`${open} orders not delivered or returned after ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
