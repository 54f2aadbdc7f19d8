import type pg from 'pg';
import type { IdempotencyKeyStorePort, RememberedAnswer } from '../use-case/port/idempotency-key.port.js';

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
    const { rows } = await this.pool.query<{ fingerprint: string; answer: unknown }>(
      `SELECT fingerprint, answer FROM ${this.table} WHERE caller_id = $1 AND key = $2`,
      [callerId, key],
    );
    return rows[0] ?? null;
  }

  async remember(callerId: string, key: string, remembered: RememberedAnswer): Promise<RememberedAnswer> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO ${this.table} (caller_id, key, fingerprint, answer) VALUES ($1, $2, $3, $4)
       ON CONFLICT (caller_id, key) DO NOTHING`,
      [callerId, key, remembered.fingerprint, JSON.stringify(remembered.answer)],
    );
    if (rowCount === 1) return remembered;
    return (await this.find(callerId, key)) ?? remembered;
  }
}
