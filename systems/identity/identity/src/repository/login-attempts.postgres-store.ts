import type pg from 'pg';
import type { LoginAttemptsPort } from '../use-case/port/login-attempts.port.js';

/**
 * Failed logins per normalised e-mail in a fixed window, in Postgres so every instance sees the
 * same count. One upsert per failure; a window that has passed restarts at 1.
 */
export class LoginAttemptsPostgresStore implements LoginAttemptsPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  async recentFailures(email: string, now: Date, windowSeconds: number): Promise<number> {
    const { rows } = await this.pool.query<{ failures: number }>(
      `SELECT failures FROM ${this.table} WHERE email = $1 AND window_started_at > $2::timestamptz - make_interval(secs => $3)`,
      [email, now, windowSeconds],
    );
    return rows[0]?.failures ?? 0;
  }

  async recordFailure(email: string, now: Date, windowSeconds: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} AS l (email, window_started_at, failures) VALUES ($1, $2, 1)
       ON CONFLICT (email) DO UPDATE SET
         failures = CASE WHEN l.window_started_at > $2::timestamptz - make_interval(secs => $3) THEN l.failures + 1 ELSE 1 END,
         window_started_at = CASE WHEN l.window_started_at > $2::timestamptz - make_interval(secs => $3) THEN l.window_started_at ELSE $2 END`,
      [email, now, windowSeconds],
    );
  }

  async clear(email: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE email = $1`, [email]);
  }

  private get table(): string {
    return `"${this.schema}".login_failures`;
  }
}
