import type pg from 'pg';

/**
 * Runs `pass` now and then every `intervalMs` until {@link stop}; never two at once (a tick while a
 * pass runs is skipped). A pass that throws goes to `onError`; the next interval retries.
 */
export class PeriodicPass {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** A pass now, then one every interval (the timer does not keep the process alive). */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.running ??= this.pass()
        .catch((error: unknown) => this.onError(error))
        .finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  /** Stops the schedule and waits for a pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

/**
 * Runs `work` on one pooled connection while holding the session advisory lock (`name`, `schema`),
 * so replicas take turns; returns `undefined` without running it when another session holds it.
 */
export async function underAdvisoryLock<T>(
  pool: pg.Pool,
  name: string,
  schema: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T | undefined> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>(
      `SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS ok`,
      [name, schema],
    );
    if (!rows[0]?.ok) return undefined;
    try {
      return await work(client);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext($1), hashtext($2))`, [name, schema]);
    }
  } finally {
    client.release();
  }
}
