import { platformCounter } from '@archipelago/platform-service';
import type pg from 'pg';
import type { IdempotencyKeyStorePort, KeyedAnswer, RememberedAnswer } from '../use-case/port/idempotency-key.port.js';

/**
 * `scheduling_idempotency_keys_pruned_total`: Idempotency-Keys the retention job of this process deleted
 * (they were older than `IDEMPOTENCY_KEY_RETENTION_HOURS`).
 */
const pruned = platformCounter({
  name: 'scheduling_idempotency_keys_pruned_total',
  help: 'Idempotency-Keys deleted by the retention job after their retention window.',
});

/** Idempotency-Keys and their answers in `task_idempotency_keys`, keyed by (caller, key). */
export class PostgresIdempotencyKeyStore implements IdempotencyKeyStorePort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  private get table(): string {
    return `"${this.schema}".task_idempotency_keys`;
  }

  async find(callerId: string, key: string): Promise<RememberedAnswer | null> {
    const { rows } = await this.pool.query<{ fingerprint: string; answer: unknown; request_id: string | null }>(
      `SELECT fingerprint, answer, request_id FROM ${this.table} WHERE caller_id = $1 AND key = $2`,
      [callerId, key],
    );
    const row = rows[0];
    if (!row) return null;
    return { fingerprint: row.fingerprint, answer: row.answer, ...(row.request_id && { requestId: row.request_id }) };
  }

  async remember(callerId: string, key: string, remembered: RememberedAnswer): Promise<RememberedAnswer> {
    if (await this.insert(this.pool, { callerId, key, remembered })) return remembered;
    return (await this.find(callerId, key)) ?? remembered;
  }

  /**
   * Stores `keyed` through `db` (a pool, or the client of an open transaction: then it commits or rolls
   * back with it) unless the key is taken (waiting, if another open transaction took it, for its end);
   * true when it stored it.
   */
  async insert(db: pg.Pool | pg.ClientBase, { callerId, key, remembered }: KeyedAnswer): Promise<boolean> {
    const { rowCount } = await db.query(
      `INSERT INTO ${this.table} (caller_id, key, fingerprint, answer, request_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (caller_id, key) DO NOTHING`,
      [callerId, key, remembered.fingerprint, JSON.stringify(remembered.answer), remembered.requestId ?? null],
    );
    return rowCount === 1;
  }

  /**
   * One batch by tuple id (`ctid = ANY(ARRAY(… ORDER BY created_at LIMIT n))`, found through the
   * `created_at` index): a short statement whatever the table's size, locking only the rows it deletes.
   * Rows are never updated, so a tuple id found is still the row's when it is deleted.
   */
  async deleteStoredBefore(before: string, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM ${this.table} WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM ${this.table} WHERE created_at < $1 ORDER BY created_at LIMIT $2
       ))`,
      [before, limit],
    );
    pruned.inc(rowCount ?? 0);
    return rowCount ?? 0;
  }
}
