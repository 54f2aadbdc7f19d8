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

/** A definition that serves (`definition_list.active_version`), as the serving-definitions passes see it. */
export interface ServingDefinition {
  readonly id: string;
  readonly active_version: number;
}

/**
 * A background job that follows the serving definitions (the search index reconciler, the search
 * rebuild, the newly-private sealer): a pass at {@link start} and every `intervalMs` (default 10 s)
 * until {@link stop}, that does work only when the serving definitions (id, active version) changed
 * since its last complete run, with replicas taking turns under a session advisory lock per schema.
 */
export abstract class ServingDefinitionsPass {
  private readonly schedule: PeriodicPass;
  private lastServing = '';

  protected constructor(
    protected readonly pool: pg.Pool,
    protected readonly schema: string,
    private readonly lockName: string,
    options: { readonly intervalMs?: number; readonly onError?: (error: unknown) => void },
  ) {
    this.schedule = new PeriodicPass(() => this.scheduledPass(), options.intervalMs ?? 10_000, options.onError);
  }

  /** What the schedule runs (the subclass's pass without `force`). */
  protected abstract scheduledPass(): Promise<unknown>;

  /** A pass now, then every `intervalMs` until {@link stop}. */
  start(): void {
    this.schedule.start();
  }

  /** Stops the schedule and waits for a pass in progress. */
  stop(): Promise<void> {
    return this.schedule.stop();
  }

  /** The serving definitions, in id order. */
  protected async servingDefinitions(): Promise<ServingDefinition[]> {
    const { rows } = await this.pool.query<ServingDefinition>(
      `SELECT id, active_version FROM "${this.schema}".definition_list WHERE active_version IS NOT NULL ORDER BY id`,
    );
    return rows;
  }

  /**
   * Runs `work` under the lock with the serving definitions, unless another replica holds the lock
   * or — without `force` — they are those of the last complete run; then answers `none`. A run is
   * complete unless `work` says otherwise (then the next one runs whatever changed).
   */
  protected async whenServingChanged<T>(
    force: boolean,
    none: T,
    work: (client: pg.PoolClient, serving: ServingDefinition[]) => Promise<{ result: T; complete?: boolean }>,
  ): Promise<T> {
    const serving = await this.servingDefinitions();
    const fingerprint = JSON.stringify(serving);
    if (!force && fingerprint === this.lastServing) return none;
    const done = await underAdvisoryLock(this.pool, this.lockName, this.schema, async (client) => {
      const { result, complete = true } = await work(client, serving);
      this.lastServing = complete ? fingerprint : '';
      return result;
    });
    return done ?? none;
  }
}
