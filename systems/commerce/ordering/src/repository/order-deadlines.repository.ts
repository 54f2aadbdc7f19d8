import { ident } from '@archipelago/platform-event-store';
import type pg from 'pg';
import type { OrderDeadlinesPort } from '../use-case/port/order-deadlines.port.js';

/**
 * `order_deadlines` in Postgres. A claim is one statement: due rows are locked `FOR UPDATE SKIP
 * LOCKED` (instances polling at the same moment take different rows) and their deadline is moved
 * to the end of the lease, so a crashed instance's claims become due again by themselves.
 */
export class PostgresOrderDeadlines implements OrderDeadlinesPort {
  private readonly table: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.table = `${ident(schema)}.order_deadlines`;
  }

  async claimDue(now: string, limit: number, leaseMs: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ order_id: string }>(
      `UPDATE ${this.table} d SET deadline_at = $1::timestamptz + make_interval(secs => $3::double precision / 1000)
       WHERE d.order_id IN (
         SELECT order_id FROM ${this.table} WHERE deadline_at <= $1::timestamptz
         ORDER BY deadline_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING d.order_id`,
      [now, limit, leaseMs],
    );
    return rows.map((r) => r.order_id);
  }
}
