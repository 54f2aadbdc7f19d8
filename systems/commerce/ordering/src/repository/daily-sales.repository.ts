import { ident, inTransaction } from '@archipelago/platform-event-store';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import {
  ReportRunConflictError,
  type DailySalesReport,
  type DailySalesTally,
  type SalesFact,
  type TopProduct,
} from '../entity/daily-sales/daily-sales.report.js';
import type { OrderLine } from '../entity/order/order.events.js';
import type { Money } from '../entity/money.js';
import type {
  DailySalesReportsPort,
  ReportRun,
  SalesCursor,
  SalesEventsPort,
  SalesPage,
} from '../use-case/port/daily-sales.port.js';

interface FactRow {
  global_position: string;
  recorded_at: Date;
  /** recorded_at as Postgres prints it (microseconds; a JS Date keeps only milliseconds): the cursor. */
  recorded_at_text: string;
  stream_id: string;
  event_type: 'OrderConfirmed' | 'OrderReturned';
  data: { orderId: string; at: string; refund?: Money };
}

/**
 * {@link SalesEventsPort} over ordering's `events` table. Each page is two plain SELECTs in
 * autocommit (READ COMMITTED, no explicit transaction, no row locks): the OrderConfirmed and
 * OrderReturned events recorded in the window, in keyset order (recorded_at, global_position) on
 * the partial index `events_sales_report_idx`, then the OrderPlaced (stream version 1) of the
 * confirmed orders for their lines and total. Writers never wait on the job.
 */
export class PostgresSalesEvents implements SalesEventsPort {
  private readonly events: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.events = `${ident(schema)}.events`;
  }

  async readPage(window: { from: string; to: string }, after: SalesCursor | null, limit: number): Promise<SalesPage> {
    const { rows } = await this.pool.query<FactRow>(
      `SELECT global_position, recorded_at, recorded_at::text AS recorded_at_text, stream_id, event_type, data FROM ${this.events}
        WHERE event_type IN ('OrderConfirmed', 'OrderReturned')
          AND recorded_at >= $1 AND recorded_at < $2
          AND (recorded_at, global_position) > ($3::timestamptz, $4::bigint)
        ORDER BY recorded_at, global_position
        LIMIT $5`,
      [window.from, window.to, after?.recordedAt ?? '-infinity', after?.position ?? '0', limit],
    );
    if (rows.length === 0) return { facts: [], next: null };
    const confirmed = rows.filter((r) => r.event_type === 'OrderConfirmed').map((r) => r.stream_id);
    const placed = new Map<string, { items: OrderLine[]; total: Money }>();
    if (confirmed.length > 0) {
      const { rows: placements } = await this.pool.query<{
        stream_id: string;
        data: { items: OrderLine[]; total: Money };
      }>(
        `SELECT stream_id, data FROM ${this.events}
          WHERE stream_id = ANY($1::text[]) AND stream_version = 1 AND event_type = 'OrderPlaced'`,
        [confirmed],
      );
      for (const p of placements) placed.set(p.stream_id, p.data);
    }
    const facts: SalesFact[] = rows.map((r) => {
      const at = r.recorded_at.toISOString();
      if (r.event_type === 'OrderReturned')
        return { kind: 'returned', orderId: r.data.orderId, at, refund: r.data.refund! };
      const order = placed.get(r.stream_id);
      if (!order) throw new Error(`stream ${r.stream_id} has an OrderConfirmed but no OrderPlaced`);
      return { kind: 'confirmed', orderId: r.data.orderId, at, items: order.items, total: order.total };
    });
    const last = rows.at(-1)!;
    return { facts, next: { recordedAt: last.recorded_at_text, position: last.global_position } };
  }
}

const topProduct = (p: TopProduct): TopProduct => ({ productId: p.productId, units: p.units, revenue: p.revenue });

interface ReportRow {
  day: string;
  time_zone: string;
  currency: string | null;
  orders: number;
  units: string;
  gross: string;
  returns: number;
  refunds: string;
  net: string;
  top_by_units: DailySalesReport['topByUnits'];
  top_by_revenue: DailySalesReport['topByRevenue'];
  hourly: DailySalesReport['hourly'];
  generated_at: Date;
}

/**
 * {@link DailySalesReportsPort} over `daily_sales_report_runs` and `daily_sales_reports`. At most one
 * unfinished run per day and zone (a partial unique index); its `pages` is an optimistic version:
 * two runs of the same day at once cannot both advance it (the second gets ReportRunConflictError).
 * `complete` closes the run, deletes and inserts the day's report in one transaction, so readers
 * see the old report or the new one.
 */
export class PostgresDailySalesReports implements DailySalesReportsPort {
  private readonly runs: string;
  private readonly reports: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.runs = `${ident(schema)}.daily_sales_report_runs`;
    this.reports = `${ident(schema)}.daily_sales_reports`;
  }

  async startRun(day: string, timeZone: string, fresh: DailySalesTally): Promise<ReportRun> {
    // Retried: the open run the INSERT ran into may be finished by another run before the SELECT.
    for (;;) {
      const id = randomUUID();
      await this.pool.query(
        `INSERT INTO ${this.runs} (id, day, time_zone, cursor, tally) VALUES ($1, $2, $3, NULL, $4)
          ON CONFLICT (day, time_zone) WHERE finished_at IS NULL DO NOTHING`,
        [id, day, timeZone, JSON.stringify(fresh)],
      );
      const { rows } = await this.pool.query<{
        id: string;
        cursor: SalesCursor | null;
        tally: DailySalesTally;
        pages: number;
      }>(
        `SELECT id, cursor, tally, pages FROM ${this.runs} WHERE day = $1 AND time_zone = $2 AND finished_at IS NULL`,
        [day, timeZone],
      );
      const run = rows[0];
      if (run) return { id: run.id, cursor: run.cursor, tally: run.tally, pages: run.pages, resumed: run.id !== id };
    }
  }

  async checkpoint(runId: string, page: number, cursor: SalesCursor | null, tally: DailySalesTally): Promise<void> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.runs} SET cursor = $3, tally = $4, pages = $2, updated_at = now()
        WHERE id = $1 AND pages = $2 - 1 AND finished_at IS NULL`,
      [runId, page, cursor === null ? null : JSON.stringify(cursor), JSON.stringify(tally)],
    );
    if (rowCount !== 1) throw new ReportRunConflictError(runId);
  }

  async complete(runId: string, pages: number, r: DailySalesReport): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `UPDATE ${this.runs} SET finished_at = now(), updated_at = now() WHERE id = $1 AND pages = $2 AND finished_at IS NULL`,
        [runId, pages],
      );
      if (rowCount !== 1) throw new ReportRunConflictError(runId);
      await client.query(`DELETE FROM ${this.reports} WHERE day = $1 AND time_zone = $2`, [r.day, r.timeZone]);
      await client.query(
        `INSERT INTO ${this.reports}
           (day, time_zone, currency, orders, units, gross, returns, refunds, net, top_by_units, top_by_revenue, hourly, run_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          r.day,
          r.timeZone,
          r.currency,
          r.orders,
          r.units,
          r.gross,
          r.returns,
          r.refunds,
          r.net,
          JSON.stringify(r.topByUnits),
          JSON.stringify(r.topByRevenue),
          JSON.stringify(r.hourly),
          runId,
        ],
      );
    });
  }

  async list(from: string, to: string) {
    const { rows } = await this.pool.query<ReportRow>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, time_zone, currency, orders, units, gross, returns, refunds, net,
              top_by_units, top_by_revenue, hourly, generated_at
         FROM ${this.reports} WHERE day BETWEEN $1 AND $2 ORDER BY day, time_zone`,
      [from, to],
    );
    return rows.map((row) => ({
      day: row.day,
      timeZone: row.time_zone,
      currency: row.currency,
      orders: row.orders,
      units: Number(row.units),
      gross: Number(row.gross),
      returns: row.returns,
      refunds: Number(row.refunds),
      net: Number(row.net),
      // jsonb stores keys in its own order: rebuild the objects in the API's order.
      topByUnits: row.top_by_units.map(topProduct),
      topByRevenue: row.top_by_revenue.map(topProduct),
      hourly: row.hourly.map((h) => ({ hour: h.hour, orders: h.orders, gross: h.gross })),
      generatedAt: row.generated_at.toISOString(),
    }));
  }
}
