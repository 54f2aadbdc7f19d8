import type pg from 'pg';
import { ident } from '@archipelago/platform-event-store';
import type { TransportKind } from './messaging.js';

const HOUR_MS = 3_600_000;

/**
 * How long the messaging tables keep rows they no longer need, and how often they are trimmed.
 * Durations are in milliseconds.
 */
export interface RetentionPolicy {
  /**
   * Outbox rows older than this are deleted. kafka transport: counted from `published_at`, and a
   * row not yet published is never deleted, whatever its age. postgres transport: counted from
   * `created_at`, because the outbox is the log other services read: a consumer group lagging
   * more than this misses the rows deleted meanwhile (Kafka's topic retention, same semantics);
   * only rows of transactions below `pg_snapshot_xmin` go (rows every reader could have read).
   * Default 168 h (7 days).
   */
  readonly outboxMs: number;
  /**
   * Inbox rows processed longer ago than this are deleted (default 336 h). Must be ≥ `outboxMs`:
   * a message that can still be redelivered must still be deduplicated.
   */
  readonly inboxMs: number;
  /**
   * Dead letters replayed longer ago than this are deleted (default 720 h). A dead letter not yet
   * replayed is never deleted.
   */
  readonly deadLetterMs: number;
  /** Pause between two passes; 0 turns the job off (default 300 000, 5 min). */
  readonly intervalMs: number;
  /** Rows per DELETE statement, each its own short transaction (default 1000). */
  readonly batchSize: number;
}

/** Defaults of {@link RetentionPolicy}: outbox 7 days, inbox 14 days, dead letters 30 days, every 5 min. */
export const DEFAULT_RETENTION: RetentionPolicy = {
  outboxMs: 168 * HOUR_MS,
  inboxMs: 336 * HOUR_MS,
  deadLetterMs: 720 * HOUR_MS,
  intervalMs: 300_000,
  batchSize: 1000,
};

/** The tables the retention job trims (label `table` of its metric). */
export type RetentionTable = 'outbox' | 'inbox' | 'dead_letters';

/** Rows one pass deleted, per table. */
export type RetentionCounts = Record<RetentionTable, number>;

/** Options of {@link MessagingRetention}: the policy (defaults {@link DEFAULT_RETENTION}) and its hooks. */
export interface MessagingRetentionOptions extends Partial<RetentionPolicy> {
  /** Decides which outbox rows may go (see {@link RetentionPolicy.outboxMs}). */
  readonly transport: TransportKind;
  /** Called with the error of a failed pass; the job keeps running. */
  readonly onError?: (error: unknown) => void;
  /** Called after each pass this instance ran, with the rows it deleted (metrics, logs). */
  readonly onPass?: (deleted: RetentionCounts) => void;
}

/**
 * Retention of a service's messaging tables (`outbox`, `inbox`, `dead_letters` of its schema; the
 * `events` table is never touched). Every `intervalMs` one pass deletes the expired rows in
 * batches of at most `batchSize`, each batch its own statement, so no long lock, no long
 * transaction holding back readers' snapshots and no large WAL burst.
 *
 * Several replicas may run it: a pass holds a session advisory lock per schema and a replica that
 * finds it taken skips the pass. Deleting never reorders what remains, so a `postgres` transport
 * consumer's `(transaction_id, position)` checkpoint stays valid: it neither skips nor re-reads a
 * row still there; outbox rows are only deleted below `pg_snapshot_xmin` (rows readers may already
 * have read).
 */
export class MessagingRetention {
  /** The policy in force: the options given, defaults for the rest. */
  readonly policy: RetentionPolicy;
  private readonly schema: string;
  /** Text of the session advisory lock a pass holds (hashed to a bigint by Postgres). */
  private readonly lockKey: string;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private stopped = false;

  /**
   * @throws {RangeError} when a duration or the batch size is not a positive number, the interval
   *   is negative, or `inboxMs` < `outboxMs`
   */
  constructor(
    private readonly pool: pg.Pool,
    schema: string,
    private readonly options: MessagingRetentionOptions,
  ) {
    this.schema = ident(schema);
    this.lockKey = `archipelago.messaging-retention:${schema}`;
    const { transport: _t, onError: _e, onPass: _p, ...policy } = options;
    this.policy = {
      ...DEFAULT_RETENTION,
      ...Object.fromEntries(Object.entries(policy).filter(([, v]) => v !== undefined)),
    };
    for (const key of ['outboxMs', 'inboxMs', 'deadLetterMs', 'batchSize'] as const) {
      if (!(this.policy[key] > 0)) throw new RangeError(`retention ${key} must be a positive number`);
    }
    if (!(this.policy.intervalMs >= 0)) throw new RangeError('retention intervalMs must be 0 (off) or positive');
    if (this.policy.inboxMs < this.policy.outboxMs) {
      throw new RangeError(
        'retention inboxMs must be at least outboxMs (a message that can still be redelivered must still be deduplicated)',
      );
    }
  }

  /**
   * Runs a pass every `intervalMs` (the first one `intervalMs` after this call) until `stop()`;
   * no-op when off (`intervalMs` 0). The timer does not keep the process alive.
   */
  start(): void {
    if (this.timer || this.stopped || this.policy.intervalMs === 0) return;
    this.schedule();
  }

  /** Stops the timer and waits for a running pass, which ends after its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  /**
   * One pass over the three tables. Returns the rows it deleted per table, or `null` when another
   * instance (replica) is running a pass on this schema right now.
   * @throws the database error of a failed statement (batches already deleted stay deleted)
   */
  async runOnce(): Promise<RetentionCounts | null> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
        [this.lockKey],
      );
      if (!rows[0]!.locked) return null;
      try {
        return {
          outbox: await this.trimOutbox(client),
          inbox: await this.trimBatches(client, this.inboxBatchSql(), this.policy.inboxMs),
          dead_letters: await this.trimBatches(client, this.deadLetterBatchSql(), this.policy.deadLetterMs),
        };
      } finally {
        await client
          .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [this.lockKey])
          .catch((error: Error) => {
            broken = error; // the connection is dropped below, which releases the lock
          });
      }
    } catch (error) {
      broken ??= error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pass = this.runPass().finally(() => {
        this.pass = undefined;
        if (!this.stopped) this.schedule();
      });
    }, this.policy.intervalMs);
    this.timer.unref();
  }

  private async runPass(): Promise<void> {
    try {
      const deleted = await this.runOnce();
      if (deleted) this.options.onPass?.(deleted);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  /**
   * Walks the outbox in position order, a page of `batchSize` rows per statement, deleting the
   * expired rows of each page, and stops at the first page holding a row created after the cutoff
   * (later rows are newer), or when the job is stopped. The walk uses the primary key only, so rows that must stay (not yet
   * published) cost one visit per pass and no extra index is needed on the outbox's hot insert path.
   */
  private async trimOutbox(client: pg.PoolClient): Promise<number> {
    const expired =
      this.options.transport === 'kafka'
        ? 'published_at < c.cutoff'
        : 'created_at < c.cutoff AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())';
    const sql = `
      WITH c AS (SELECT now() - make_interval(secs => $3::float8 / 1000) AS cutoff),
      page AS MATERIALIZED (
        SELECT position, created_at >= c.cutoff AS recent, ${expired} AS expired
        FROM ${this.schema}.outbox, c
        WHERE position > $1 ORDER BY position LIMIT $2
      ),
      gone AS (
        DELETE FROM ${this.schema}.outbox WHERE position IN (SELECT position FROM page WHERE expired) RETURNING 1
      )
      SELECT (SELECT count(*) FROM gone)::int AS deleted, count(*)::int AS seen,
             max(position)::text AS last, coalesce(bool_or(recent), false) AS recent
      FROM page`;
    let after = '0';
    let total = 0;
    for (;;) {
      const { rows } = await client.query<{ deleted: number; seen: number; last: string | null; recent: boolean }>(
        sql,
        [after, this.policy.batchSize, this.policy.outboxMs],
      );
      const page = rows[0]!;
      total += page.deleted;
      if (this.stopped || page.seen < this.policy.batchSize || page.recent || page.last === null) break;
      after = page.last;
    }
    return total;
  }

  /**
   * Repeats a `DELETE … LIMIT batchSize` statement (`$1` batch size, `$2` retention in ms) until it
   * deletes fewer rows (or the job is stopped).
   */
  private async trimBatches(client: pg.PoolClient, sql: string, retentionMs: number): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await client.query(sql, [this.policy.batchSize, retentionMs]);
      total += rowCount ?? 0;
      if (this.stopped || (rowCount ?? 0) < this.policy.batchSize) break;
    }
    return total;
  }

  /**
   * Processed inbox rows older than the inbox retention, oldest first through `inbox_processed_idx`.
   * Inbox rows are never updated.
   */
  private inboxBatchSql(): string {
    return this.batchSql('inbox', 'processed_at', 'processed_at');
  }

  /**
   * Dead letters replayed longer ago than their retention; unresolved ones (`replayed_at` NULL)
   * never match. A replayed row is never updated again.
   */
  private deadLetterBatchSql(): string {
    return this.batchSql('dead_letters', 'replayed_at', 'id');
  }

  /**
   * `DELETE` of at most `$1` rows of `table` whose `since` is more than `$2` ms ago, by tuple id (a
   * TID scan: matching on a key lets the planner pick a sequential scan of the whole table per
   * batch). A row updated meanwhile has a new tuple id and is left for the next pass.
   */
  private batchSql(table: 'inbox' | 'dead_letters', since: string, order: string): string {
    return `
      DELETE FROM ${this.schema}.${table} WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM ${this.schema}.${table}
        WHERE ${since} < now() - make_interval(secs => $2::float8 / 1000)
        ORDER BY ${order} LIMIT $1
      ))`;
  }
}
