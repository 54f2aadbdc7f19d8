import 'reflect-metadata';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportRunConflictError } from './entity/daily-sales/daily-sales.report.js';
import type { OrderEvent, OrderLine } from './entity/order/order.events.js';
import { CatalogGrpcGateway } from './gateway/catalog.grpc-gateway.js';
import { ORDERING_DOMAIN_ERRORS, OrderingModule } from './ordering.module.js';
import { migrateOrdering } from './repository/ordering.data-source.js';
import { OrderingInfrastructure } from './repository/ordering.infrastructure.js';
import { GenerateDailySalesReportUseCase } from './use-case/daily-sales-report/generate-daily-sales-report.use-case.js';
import type { SalesEventsPort } from './use-case/port/daily-sales.port.js';

// The daily sales job on real Postgres (postgres transport, no Kafka): orders are written through
// ordering's own repository (the production writer), then dated by setting recorded_at (history of
// earlier days); the HTTP API is the real module behind real token validation.

const A = '0f6b7d1e-3c2a-4b5d-8e9f-1a2b3c4d5e01';
const B = '0f6b7d1e-3c2a-4b5d-8e9f-1a2b3c4d5e02';
const ADMIN = { sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f', roles: ['admin'], email: 'admin@archipelago.local' };
const ANN = { sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f', roles: ['customer'], email: 'ann@example.com' };

let issuer: TestIssuer;
let infrastructure: OrderingInfrastructure;
let app: NestFastifyApplication;
let pool: pg.Pool;
let base: string;
let adminToken: string;
let annToken: string;

const usd = (amount: number) => ({ amount, currency: 'USD' });
const line = (productId: string, quantity: number, unit: number): OrderLine => ({
  productId,
  quantity,
  unitPrice: usd(unit),
});

/** Writes a confirmed order through the repository, its events recorded at `placedAt`/`confirmedAt`. */
async function confirmedOrder(lines: OrderLine[], confirmedAt: string): Promise<string> {
  const orderId = randomUUID();
  const total = usd(lines.reduce((s, l) => s + l.quantity * l.unitPrice.amount, 0));
  const customerId = ANN.sub;
  const events: OrderEvent[] = [
    {
      type: 'OrderPlaced',
      data: { orderId, customerId, items: lines, total, placedAt: confirmedAt, deadline: confirmedAt },
    },
    { type: 'StockReserved', data: { orderId, customerId, amount: total, at: confirmedAt } },
    { type: 'PaymentCaptured', data: { orderId, transactionId: `tx-${orderId}`, amount: total, at: confirmedAt } },
    { type: 'StockCommitted', data: { orderId, at: confirmedAt } },
    { type: 'OrderConfirmed', data: { orderId, at: confirmedAt } },
  ];
  await infrastructure.repository.place(orderId, events, {}, null);
  await pool.query(`UPDATE ordering.events SET recorded_at = $2 WHERE stream_id = $1`, [
    `order-${orderId}`,
    confirmedAt,
  ]);
  return orderId;
}

/** Records the return of a confirmed order at `at` (OrderReturned refunds the total). */
async function returnOrder(orderId: string, refund: number, at: string): Promise<void> {
  const loaded = await infrastructure.repository.load(orderId);
  const customerId = ANN.sub;
  await infrastructure.repository.save(
    orderId,
    [
      { type: 'OrderShipped', data: { orderId, customerId, carrier: 'DHL', trackingNumber: 'T1', at } },
      { type: 'OrderDelivered', data: { orderId, customerId, at } },
      { type: 'ReturnRequested', data: { orderId, customerId, refund: usd(refund), at } },
      { type: 'StockReturned', data: { orderId, at } },
      { type: 'OrderReturned', data: { orderId, customerId, refund: usd(refund), at } },
    ],
    loaded.version,
    {},
  );
  await pool.query(`UPDATE ordering.events SET recorded_at = $2 WHERE stream_id = $1 AND stream_version > $3`, [
    `order-${orderId}`,
    at,
    loaded.version,
  ]);
}

const job = (source: SalesEventsPort = infrastructure.salesEvents, pageSize = 2) =>
  new GenerateDailySalesReportUseCase(source, infrastructure.salesReports, pageSize);

beforeAll(async () => {
  issuer = await startTestIssuer();
  adminToken = await issuer.issue({ ...ADMIN, expiresInSec: 900 });
  annToken = await issuer.issue({ ...ANN, expiresInSec: 900 });
  const url = await createTestDatabase('daily_sales');
  await migrateOrdering(url, 'ordering');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  infrastructure = await OrderingInfrastructure.open({ databaseUrl: url, schema: 'ordering', transport: 'postgres' });
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience };
  app = await createHttpApp(
    OrderingModule.forRoot({
      infrastructure,
      catalog: new CatalogGrpcGateway({ address: '127.0.0.1:9' }),
      settings: { currency: 'USD', orderTimeoutMs: 60_000 },
      auth,
      timeoutJob: { pollMs: 60_000 },
    }),
    {
      serviceName: 'ordering',
      config: { SERVICE_NAME: 'ordering', SYSTEM: 'commerce', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'warn' },
      domainErrors: ORDERING_DOMAIN_ERRORS,
      readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
      openapi: { title: 'ordering', version: '1' },
    },
  );
  await app.listen(0, '127.0.0.1');
  base = `${await app.getUrl()}/commerce/v1/reports/daily-sales`.replace('[::1]', '127.0.0.1');

  // 2026-12-04: one order (10:00). 2026-12-05: three orders (09:xx, 09:xx, 23:30) and the return
  // of the 2026-12-04 order (refund 2500). 2026-12-06 00:00:00 belongs to the next day.
  const early = await confirmedOrder([line(A, 2, 1250)], '2026-12-04T10:00:00Z');
  await confirmedOrder([line(A, 1, 1250), line(B, 3, 300)], '2026-12-05T09:05:00Z');
  await confirmedOrder([line(B, 1, 300)], '2026-12-05T09:55:00.123456Z');
  await confirmedOrder([line(B, 10, 300)], '2026-12-05T23:30:00Z');
  await confirmedOrder([line(A, 1, 1250)], '2026-12-06T00:00:00Z');
  await returnOrder(early, 2500, '2026-12-05T12:00:00Z');
}, 120_000);

afterAll(async () => {
  await app?.close();
  await pool?.end();
  await issuer?.close();
});

describe('daily sales report job', () => {
  it('reports the confirmed and returned orders of one UTC day only', async () => {
    const { report } = await job().execute('2026-12-05', 'UTC');
    expect(report).toMatchObject({
      currency: 'USD',
      orders: 3,
      units: 15,
      gross: 1250 + 900 + 300 + 3000,
      returns: 1,
      refunds: 2500,
    });
    expect(report.net).toBe(5450 - 2500);
    expect(report.hourly[9]).toEqual({ hour: 9, orders: 2, gross: 2450 });
    expect(report.hourly[23]).toEqual({ hour: 23, orders: 1, gross: 3000 });
    expect(report.topByUnits).toEqual([
      { productId: B, units: 14, revenue: 4200 },
      { productId: A, units: 1, revenue: 1250 },
    ]);
    expect(report.topByRevenue[0]!.productId).toBe(B);
    const day4 = await job().execute('2026-12-04', 'UTC');
    expect(day4.report).toMatchObject({ orders: 1, units: 2, gross: 2500, refunds: 0 });
  });

  it('counts the day of another zone (REPORT_TIME_ZONE): 5 Dec 23:30 UTC is 6 Dec 00:30 in Paris', async () => {
    const { report } = await job().execute('2026-12-06', 'Europe/Paris');
    // Paris 2026-12-06 = [12-05T23:00Z, 12-06T23:00Z): the 23:30 order and the midnight one.
    expect(report).toMatchObject({ timeZone: 'Europe/Paris', orders: 2, gross: 3000 + 1250 });
    expect(report.hourly[0]).toEqual({ hour: 0, orders: 1, gross: 3000 });
  });

  it('replaces the report of a day when run again (one row, new totals)', async () => {
    const before = await job().execute('2026-12-05', 'UTC');
    await confirmedOrder([line(A, 4, 1250)], '2026-12-05T15:00:00Z');
    const after = await job().execute('2026-12-05', 'UTC');
    expect(after.report.orders).toBe(before.report.orders + 1);
    expect(after.report.gross).toBe(before.report.gross + 5000);
    const { rows } = await pool.query(
      `SELECT orders, gross FROM ordering.daily_sales_reports WHERE day = '2026-12-05' AND time_zone = 'UTC'`,
    );
    expect(rows).toEqual([{ orders: 4, gross: String(after.report.gross) }]);
  });

  it('resumes a killed run from its checkpoint', async () => {
    const fresh = await job().execute('2026-12-05', 'UTC');
    let reads = 0;
    const dying: SalesEventsPort = {
      readPage: async (...args) => {
        if (++reads > 1) throw new Error('killed');
        return infrastructure.salesEvents.readPage(...args);
      },
    };
    await expect(job(dying).execute('2026-12-05', 'UTC')).rejects.toThrow('killed');
    const { rows: open } = await pool.query(
      `SELECT pages, cursor FROM ordering.daily_sales_report_runs WHERE finished_at IS NULL`,
    );
    expect(open).toEqual([{ pages: 1, cursor: expect.objectContaining({ position: expect.any(String) }) }]);
    let pagesRead = 0;
    const counting: SalesEventsPort = {
      readPage: async (...args) => {
        pagesRead += 1;
        return infrastructure.salesEvents.readPage(...args);
      },
    };
    const resumed = await job(counting).execute('2026-12-05', 'UTC');
    expect(resumed.resumed).toBe(true);
    expect(resumed.report).toEqual(fresh.report);
    // 5 facts in pages of 2: the first page came from the checkpoint, the resumed run read the rest.
    expect(pagesRead).toBe(2);
  });

  it('lets only one of two runs of the same day at once write (the other stops with a conflict)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let firstPageRead!: () => void;
    const paused = new Promise<void>((r) => (firstPageRead = r));
    const slow: SalesEventsPort = {
      readPage: async (...args) => {
        const page = await infrastructure.salesEvents.readPage(...args);
        firstPageRead();
        await gate;
        return page;
      },
    };
    const first = job(slow).execute('2026-12-05', 'UTC');
    await paused; // the first run has read its first page and not checkpointed it
    const second = await job().execute('2026-12-05', 'UTC'); // resumes the same open run, finishes it
    expect(second.resumed).toBe(true);
    release();
    await expect(first).rejects.toBeInstanceOf(ReportRunConflictError);
    const fresh = await job().execute('2026-12-05', 'UTC');
    expect(second.report).toEqual(fresh.report);
  });

  it('never blocks an order placed while it reads (no transaction held between or during pages)', async () => {
    let placed: string | undefined;
    let idleInTransaction = -1;
    const meanwhile: SalesEventsPort = {
      readPage: async (...args) => {
        const page = await infrastructure.salesEvents.readPage(...args);
        if (placed === undefined) {
          const writing = confirmedOrder([line(A, 1, 1250)], new Date().toISOString());
          placed = await Promise.race([
            writing,
            new Promise<string>((_, reject) => setTimeout(() => reject(new Error('order placement blocked')), 5000)),
          ]);
          const { rows } = await pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
          );
          idleInTransaction = rows[0]!.n;
        }
        return page;
      },
    };
    await job(meanwhile).execute('2026-12-05', 'UTC');
    expect(placed).toMatch(/^[0-9a-f-]{36}$/);
    expect(idleInTransaction).toBe(0);
  });
});

describe('GET /commerce/v1/reports/daily-sales', () => {
  it('answers the reports of a range as JSON, and as CSV with Accept: text/csv', async () => {
    await job().execute('2026-12-04', 'UTC');
    await job().execute('2026-12-05', 'UTC');
    const res = await fetch(`${base}?from=2026-12-04&to=2026-12-05`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<Record<string, unknown>> };
    expect(body.items.map((r) => [r['day'], r['timeZone'], r['orders']])).toEqual([
      ['2026-12-04', 'UTC', 1],
      ['2026-12-05', 'UTC', 4], // three, and one written by the rerun test
    ]);
    expect(body.items[1]).toMatchObject({
      currency: 'USD',
      refunds: 2500,
      hourly: expect.any(Array),
      generatedAt: expect.any(String),
    });
    // Key order as documented (jsonb reorders keys; the adapter rebuilds the objects).
    expect(Object.keys((body.items[1]!['topByUnits'] as object[])[0]!)).toEqual(['productId', 'units', 'revenue']);
    expect(Object.keys((body.items[1]!['hourly'] as object[])[0]!)).toEqual(['hour', 'orders', 'gross']);

    const csv = await fetch(`${base}?from=2026-12-04&to=2026-12-05`, {
      headers: { authorization: `Bearer ${adminToken}`, accept: 'text/csv' },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe('day,timeZone,currency,orders,units,gross,returns,refunds,net');
    expect(lines[1]).toBe('2026-12-04,UTC,USD,1,2,2500,0,0,2500');
    expect(lines).toHaveLength(4); // header, two days, the empty string after the last CRLF
  });

  it('is documented in the OpenAPI document: query, JSON schema with an example, CSV', async () => {
    const doc = (await (
      await fetch(`${base.replace('/commerce/v1/reports/daily-sales', '')}/docs/openapi.json`)
    ).json()) as {
      paths: Record<
        string,
        { get: { parameters: { name: string }[]; responses: Record<string, { content: Record<string, unknown> }> } }
      >;
      components: { schemas: Record<string, unknown> };
    };
    const op = doc.paths['/commerce/v1/reports/daily-sales']!.get;
    expect(op.parameters.map((p) => p.name).sort()).toEqual(['from', 'to']);
    expect(op.responses['200']!.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/DailySalesReports' } },
      'text/csv': {
        schema: expect.objectContaining({ type: 'string' }),
        example: expect.stringMatching(
          /^day,timeZone,currency,orders,units,gross,returns,refunds,net\r\n2026-12-05,UTC,USD,2,3,4500,1,1500,3000\r\n$/,
        ),
      },
    });
    expect(doc.components.schemas['DailySalesReports']).toMatchObject({
      examples: [{ items: [expect.objectContaining({ day: '2026-12-05' })] }],
    });
    expect(doc.components.schemas['DailySalesReport']).toMatchObject({
      properties: expect.objectContaining({ net: expect.anything() }),
    });
    expect(['403', '422'].every((s) => s in op.responses)).toBe(true);
  });

  it('is admin only (403 for a customer, 401 without a token) and refuses a bad range (400, 422)', async () => {
    expect(
      (await fetch(`${base}?from=2026-12-04&to=2026-12-05`, { headers: { authorization: `Bearer ${annToken}` } }))
        .status,
    ).toBe(403);
    expect((await fetch(`${base}?from=2026-12-04&to=2026-12-05`)).status).toBe(401);
    const auth = { headers: { authorization: `Bearer ${adminToken}` } };
    expect((await fetch(`${base}?from=yesterday&to=2026-12-05`, auth)).status).toBe(400);
    expect((await fetch(`${base}?from=2026-12-06&to=2026-12-05`, auth)).status).toBe(422);
    expect((await fetch(`${base}?from=2020-01-01&to=2026-12-05`, auth)).status).toBe(422);
  });
});
