import { Injectable } from '@nestjs/common';

/**
 * A readiness check: resolves when the dependency is usable, rejects (or returns `false`) when it is
 * not. It may resolve to details shown in `/health/ready`. It receives an `AbortSignal` fired at
 * its timeout.
 */
export type ReadinessCheck = (signal: AbortSignal) => Promise<unknown> | unknown;

/** A registered check with its timeout in milliseconds. */
export interface RegisteredCheck {
  readonly check: ReadinessCheck;
  readonly timeoutMs: number;
}

/**
 * The checks behind `/health/ready`, registered by name. Services and platform libraries add theirs
 * at start-up or at runtime (Postgres via {@link postgresReadinessCheck}, the outbox relay, the Kafka
 * producer …). Ready means every check passes; with no checks the service is ready.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, RegisteredCheck>();
  private shuttingDown = false;

  /** Adds (or replaces) the check `name`; `timeoutMs` (default 2000) bounds each run. */
  register(name: string, check: ReadinessCheck, options: { timeoutMs?: number } = {}): void {
    this.checks.set(name, { check, timeoutMs: options.timeoutMs ?? 2_000 });
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  /** The registered checks, by name. */
  entries(): ReadonlyMap<string, RegisteredCheck> {
    return this.checks;
  }

  /** Once set, readiness fails: load balancers stop routing here while in-flight requests finish. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}

/** Anything with a `query(sql)` method: a `pg.Pool`, a `pg.Client` or a TypeORM `DataSource`. */
export interface Queryable {
  query(sql: string): Promise<unknown>;
}

/** A readiness check that runs `SELECT 1` on `db` (a `pg.Pool` or a TypeORM `DataSource`). */
export function postgresReadinessCheck(db: Queryable): ReadinessCheck {
  return async () => {
    await db.query('SELECT 1');
  };
}
