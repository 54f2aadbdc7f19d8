/**
 * `npm run bench -- report`: the daily sales batch job over a day of BENCH_ORDERS (100,000) orders.
 *
 * Starts its own embedded Postgres (temporary data directory), migrates ordering's schema and loads,
 * with set-based INSERTs, the events ordering writes for each order (OrderPlaced with 1–3 lines of
 * 500 products, StockReserved, PaymentCaptured, StockCommitted, OrderConfirmed), spread over the
 * day 2026-12-05 UTC, plus an OrderReturned for every 50th order, and BENCH_OTHER_DAYS_ORDERS
 * (50,000) orders of the day before (read around, never counted). Then, per round:
 *  - baseline: `SELECT count(*)` of the same day's OrderPlaced/OrderConfirmed/OrderReturned events
 *    (a plain scan of the rows the job reads: what reading them costs the database alone);
 *  - job: `GenerateDailySalesReportUseCase` with the Postgres adapters, exactly what
 *    `main.js report daily-sales --date 2026-12-05` runs (pages of 5,000, a checkpoint per page,
 *    the report replaced in one transaction).
 * Prints the seconds of each, the orders per second of the job and the ratio job / baseline (same
 * round); checks the report counted every order. Writes `reports/bench/daily-sales.json`.
 * Environment: BENCH_ORDERS (100000), BENCH_OTHER_DAYS_ORDERS (50000), BENCH_ROUNDS (1), BENCH_REPORT.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startLocalPostgres, type LocalPostgres } from '@archipelago/platform-local-postgres';
import { migrateOrdering } from '../src/repository/ordering.data-source.js';
import { PostgresDailySalesReports, PostgresSalesEvents } from '../src/repository/daily-sales.repository.js';
import { GenerateDailySalesReportUseCase } from '../src/use-case/daily-sales-report/generate-daily-sales-report.use-case.js';

const config = {
  orders: Number(process.env.BENCH_ORDERS ?? 100_000),
  otherDaysOrders: Number(process.env.BENCH_OTHER_DAYS_ORDERS ?? 50_000),
  rounds: Number(process.env.BENCH_ROUNDS ?? 1),
  report: resolve(process.env.BENCH_REPORT ?? 'reports/bench/daily-sales.json'),
};
const DAY = '2026-12-05';
const SCHEMA = 'ordering';

/** Inserts `count` orders (5 events each, a return for every 50th) recorded evenly over the day starting at `dayStart`. */
async function loadOrders(client: pg.Client, prefix: string, count: number, dayStart: string): Promise<void> {
  await client.query(
    `WITH o AS (
       SELECT g, md5($1 || g)::uuid AS id,
              $3::timestamptz + (g - 1) * (interval '86399 seconds' / $2) AS ts
         FROM generate_series(1, $2::int) g),
     lines AS (
       SELECT o.g, jsonb_agg(jsonb_build_object(
                'productId', md5('p' || ((o.g * 7 + k * 13) % 500))::uuid,
                'quantity', 1 + (o.g + k) % 4,
                'unitPrice', jsonb_build_object('amount', 100 + ((o.g * 7 + k * 13) % 500) * 10, 'currency', 'USD'))) AS items,
              sum((1 + (o.g + k) % 4) * (100 + ((o.g * 7 + k * 13) % 500) * 10)) AS total
         FROM o, generate_series(1, 1 + o.g % 3) k GROUP BY o.g),
     full_orders AS (SELECT o.*, lines.items, lines.total FROM o JOIN lines USING (g))
     INSERT INTO ${SCHEMA}.events (stream_id, stream_version, event_id, event_type, data, recorded_at)
     SELECT 'order-' || f.id, e.v, gen_random_uuid(), e.t, e.data, f.ts + e.v * interval '1 millisecond'
       FROM full_orders f
       CROSS JOIN LATERAL (VALUES
         (1, 'OrderPlaced', jsonb_build_object('orderId', f.id, 'customerId', 'c' || f.g % 1000, 'items', f.items,
             'total', jsonb_build_object('amount', f.total, 'currency', 'USD'), 'placedAt', f.ts, 'deadline', f.ts)),
         (2, 'StockReserved', jsonb_build_object('orderId', f.id, 'at', f.ts)),
         (3, 'PaymentCaptured', jsonb_build_object('orderId', f.id, 'transactionId', 'tx', 'at', f.ts)),
         (4, 'StockCommitted', jsonb_build_object('orderId', f.id, 'at', f.ts)),
         (5, 'OrderConfirmed', jsonb_build_object('orderId', f.id, 'at', f.ts)),
         (6, CASE WHEN f.g % 50 = 0 THEN 'OrderReturned' END, jsonb_build_object('orderId', f.id, 'customerId', 'c',
             'refund', jsonb_build_object('amount', f.total, 'currency', 'USD'), 'at', f.ts))
       ) AS e(v, t, data)
      WHERE e.t IS NOT NULL`,
    [prefix, count, dayStart],
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let local: LocalPostgres | undefined;
async function main(): Promise<void> {
  console.log(
    `daily sales bench: ${config.orders} orders on ${DAY} + ${config.otherDaysOrders} the day before, ${config.rounds} round(s)`,
  );
  local = await startLocalPostgres({ dataDir: 'tmp' });
  await local.ensureDatabase('bench');
  const url = local.url('bench');
  await migrateOrdering(url, SCHEMA);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const loadStarted = performance.now();
  await loadOrders(client, 'before', config.otherDaysOrders, '2026-12-04T00:00:00Z');
  await loadOrders(client, 'day', config.orders, `${DAY}T00:00:00Z`);
  await client.query(`VACUUM ANALYZE ${SCHEMA}.events`);
  const { rows: sizeRows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.events`);
  console.log(`loaded ${sizeRows[0]!.n} events in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);

  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const job = new GenerateDailySalesReportUseCase(
    new PostgresSalesEvents(pool, SCHEMA),
    new PostgresDailySalesReports(pool, SCHEMA),
  );
  const rounds: { baselineS: number; jobS: number; ratio: number }[] = [];
  for (let round = 1; round <= config.rounds; round++) {
    let t = performance.now();
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${SCHEMA}.events
        WHERE event_type IN ('OrderPlaced', 'OrderConfirmed', 'OrderReturned') AND recorded_at >= $1 AND recorded_at < $2`,
      [`${DAY}T00:00:00Z`, '2026-12-06T00:00:00Z'],
    );
    const baselineS = (performance.now() - t) / 1000;
    t = performance.now();
    const { report, pages } = await job.execute(DAY, 'UTC');
    const jobS = (performance.now() - t) / 1000;
    if (report.orders !== config.orders || report.returns !== Math.floor(config.orders / 50))
      throw new Error(`the report counted ${report.orders} orders and ${report.returns} returns`);
    rounds.push({ baselineS, jobS, ratio: jobS / baselineS });
    console.log(
      `round ${round}: baseline count(*) of ${rows[0]!.n} events ${baselineS.toFixed(3)} s · job ${jobS.toFixed(2)} s ` +
        `(${pages} pages, ${Math.round(config.orders / jobS)} orders/s, gross ${report.gross} ${report.currency}) · ratio ${(jobS / baselineS).toFixed(1)}x`,
    );
  }
  await pool.end();
  await client.end();
  const summary = {
    orders: config.orders,
    otherDaysOrders: config.otherDaysOrders,
    jobSeconds: median(rounds.map((r) => r.jobS)),
    baselineSeconds: median(rounds.map((r) => r.baselineS)),
    ratio: median(rounds.map((r) => r.ratio)),
    target: '< 30 s for 100,000 orders on 2 cores',
    rounds,
  };
  console.log(
    `daily sales report of ${config.orders} orders: ${summary.jobSeconds.toFixed(2)} s (median), ${summary.ratio.toFixed(1)}x the count(*) baseline`,
  );
  mkdirSync(dirname(config.report), { recursive: true });
  writeFileSync(config.report, `${JSON.stringify(summary, null, 2)}\n`);
}

try {
  await main();
} finally {
  await local?.stop().catch((error) => console.error(`stopping Postgres failed: ${String(error)}`));
}
