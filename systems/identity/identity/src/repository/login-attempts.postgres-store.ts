import { inTransaction } from '@archipelago/platform-event-store';
import type pg from 'pg';
import { loginDelaySeconds } from '../entity/token/login-throttle.js';
import type { AttemptAdmission, LoginAttemptsPort, ThrottleKey } from '../use-case/port/login-attempts.port.js';

interface Row {
  key: string;
  failures: number;
  last_failure_at: Date;
  blocked_until: Date;
}

/**
 * Sign-in throttling in Postgres (`login_throttle`, one row per key), so every instance sees the
 * same counts. `begin` locks the keys' rows (in key order: no deadlock between two attempts) and
 * decides and counts in the same transaction: of N concurrent attempts, each sees the failures of
 * those before it.
 */
export class LoginAttemptsPostgresStore implements LoginAttemptsPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  begin(keys: readonly ThrottleKey[], now: Date, windowSeconds: number): Promise<AttemptAdmission> {
    const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const names = sorted.map((k) => k.key);
    return inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO ${this.table} (key, failures, last_failure_at, blocked_until)
         SELECT k, 0, $2, $2 FROM unnest($1::text[]) AS k ON CONFLICT (key) DO NOTHING`,
        [names, now],
      );
      const { rows } = await client.query<Row>(
        `SELECT key, failures, last_failure_at, blocked_until FROM ${this.table} WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE`,
        [names],
      );
      const byKey = new Map(rows.map((r) => [r.key, r]));
      const waitMs = Math.max(0, ...rows.map((r) => r.blocked_until.getTime() - now.getTime()));
      if (waitMs > 0) return { admitted: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };
      for (const { key, policy } of sorted) {
        const row = byKey.get(key)!;
        const stale = now.getTime() - row.last_failure_at.getTime() > windowSeconds * 1000;
        const failures = (stale ? 0 : row.failures) + 1;
        const blockedUntil = new Date(now.getTime() + loginDelaySeconds(failures, policy) * 1000);
        await client.query(
          `UPDATE ${this.table} SET failures = $2, last_failure_at = $3, blocked_until = $4 WHERE key = $1`,
          [key, failures, now, blockedUntil],
        );
      }
      return { admitted: true };
    });
  }

  async succeeded(accountKey: string, otherKeys: readonly string[]): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE key = $1`, [accountKey]);
    await this.pool.query(`UPDATE ${this.table} SET failures = greatest(failures - 1, 0) WHERE key = ANY($1::text[])`, [
      otherKeys,
    ]);
  }

  async refund(keys: readonly string[]): Promise<void> {
    await this.pool.query(`UPDATE ${this.table} SET failures = greatest(failures - 1, 0) WHERE key = ANY($1::text[])`, [
      keys,
    ]);
  }

  private get table(): string {
    return `"${this.schema}".login_throttle`;
  }
}
