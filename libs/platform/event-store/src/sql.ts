import type pg from 'pg';

/**
 * The smallest surface of a Postgres connection the platform needs: `pg.Pool`, `pg.PoolClient`
 * and `pg.Client` all satisfy it, and so does a TypeORM query runner's `databaseConnection`.
 */
export interface SqlClient {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** A named statement (`{ name, text, values }`) is parsed and planned once per connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

/** Post-commit callbacks of the transactions `inTransaction` has open, by their client. */
const afterCommitHooks = new WeakMap<object, Array<() => void>>();

/**
 * Runs `work` inside one transaction on a client taken from `pool`: COMMIT when it resolves,
 * ROLLBACK (and rethrow) when it throws. The client goes back to the pool either way.
 * Callbacks registered with {@link afterCommit} during `work` run after a successful COMMIT
 * (synchronously, in order; one that throws does not stop the others or fail the transaction).
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const hooks: Array<() => void> = [];
  afterCommitHooks.set(client, hooks);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    afterCommitHooks.delete(client);
    for (const hook of hooks) {
      try {
        hook();
      } catch {
        /* a wake-up hint failing must not turn a committed transaction into an error */
      }
    }
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    afterCommitHooks.delete(client);
    client.release();
  }
}

/**
 * Registers `hook` to run once the transaction of `client` has committed, when `client` is inside
 * {@link inTransaction}. Returns `false` (and registers nothing) for any other client — a pool, a
 * client in a transaction opened elsewhere — so the caller can fall back (e.g. to `NOTIFY`).
 * Rolled-back transactions never run their hooks.
 */
export function afterCommit(client: SqlClient, hook: () => void): boolean {
  const hooks = afterCommitHooks.get(client);
  if (!hooks) return false;
  hooks.push(hook);
  return true;
}

/** Quotes a Postgres identifier (schema, table); throws on anything but `[a-z_][a-z0-9_]*`. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** True when `error` is a Postgres unique violation (SQLSTATE 23505), optionally on `constraint`. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
