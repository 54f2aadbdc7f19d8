import type pg from 'pg';
import type { PostgresEventStore } from './event-store.js';
import { LOG_START, type LogCheckpoint, type RecordedEvent } from './event-store.types.js';
import { ident, inTransaction, type SqlClient } from './sql.js';

/**
 * A read model kept up to date from the event log. `apply` runs in the same transaction that
 * moves the projection's checkpoint, so the read model and its checkpoint never disagree.
 */
export interface Projection {
  /** Unique within the service schema; names the checkpoint row. */
  readonly name: string;
  /** Writes the effect of one event (events of other types are passed too: ignore them). */
  apply(client: SqlClient, event: RecordedEvent): Promise<void>;
  /**
   * Empties the read model, before a rebuild from the first event; runs in the rebuild's one
   * transaction (ProjectionRunner.rebuild). DELETE keeps readers answering from the old rows until
   * the rebuild commits; TRUNCATE would block them (exclusive lock) until then.
   */
  reset(client: SqlClient): Promise<void>;
}

export interface ProjectionRunnerOptions {
  /** Events per transaction (default 500). */
  batchSize?: number;
  /** Idle poll interval in ms (default 200); `poke()` wakes the runner earlier. */
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Runs one projection: catch-up reads of the log in (transaction, position) order, checkpoint
 * in `projection_checkpoints`. The checkpoint row is locked (`FOR UPDATE`) for each batch, so
 * several instances of a service can run the same projection without applying an event twice.
 */
export class ProjectionRunner {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly checkpoints: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    readonly projection: Projection,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.checkpoints = `${ident(store.schema)}.projection_checkpoints`;
  }

  /** Applies at most one batch; returns how many events it applied. */
  async runOnce(): Promise<number> {
    return inTransaction(
      this.pool,
      async (client) => (await this.applyBatch(client, await this.lockCheckpoint(client))).applied,
    );
  }

  /** Applies batches until the log is exhausted (as far as it is safely visible). */
  async catchUp(): Promise<void> {
    while ((await this.runOnce()) > 0) {
      /* next batch */
    }
  }

  /**
   * Empties the read model and replays the whole log into it, in ONE transaction that holds the
   * checkpoint row: readers keep seeing the previous rows (MVCC, when `reset` deletes rather than
   * truncates) until the rebuilt ones commit at once, never an empty or partial table; the
   * background runner waits on the checkpoint lock meanwhile (the read model is stale, not wrong,
   * for the rebuild's duration). Events committed by transactions that start after the rebuild's
   * first batch are left to the next catch-up (ADR 0006: only rows below the snapshot's xmin are
   * read). A failure rolls everything back: the old read model stays.
   * @returns how many events were replayed
   */
  async rebuild(): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      await this.lockCheckpoint(client);
      await this.projection.reset(client);
      await this.saveCheckpoint(client, LOG_START);
      let checkpoint: LogCheckpoint = LOG_START;
      let replayed = 0;
      for (;;) {
        const batch = await this.applyBatch(client, checkpoint);
        if (batch.applied === 0) return replayed;
        replayed += batch.applied;
        checkpoint = batch.checkpoint;
      }
    });
  }

  /** The projection's checkpoint and how many log positions it is behind the head. */
  async lag(): Promise<{ checkpoint: LogCheckpoint; behind: number }> {
    const { rows } = await this.pool.query<{ transaction_id: string; position: string }>(
      `SELECT transaction_id::text, position FROM ${this.checkpoints} WHERE projection = $1`,
      [this.projection.name],
    );
    const checkpoint = rows[0]
      ? { transactionId: rows[0].transaction_id, position: Number(rows[0].position) }
      : LOG_START;
    const head = await this.store.headPosition(this.pool);
    return { checkpoint, behind: Math.max(0, head - checkpoint.position) };
  }

  /** Starts polling in the background. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.poll();
  }

  /** Asks a started runner to look for new events now (e.g. right after a command committed). */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.loop;
  }

  private async poll(): Promise<void> {
    while (this.running) {
      let applied = 0;
      try {
        applied = await this.runOnce();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (applied === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollIntervalMs ?? 200);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** Applies the next batch after `checkpoint` on `client` (whose transaction holds the checkpoint row) and moves it. */
  private async applyBatch(
    client: SqlClient,
    checkpoint: LogCheckpoint,
  ): Promise<{ applied: number; checkpoint: LogCheckpoint }> {
    const events = await this.store.readAll(client, checkpoint, this.options.batchSize ?? 500);
    if (events.length === 0) return { applied: 0, checkpoint };
    for (const event of events) await this.projection.apply(client, event);
    const last = events[events.length - 1]!;
    const next = { transactionId: last.transactionId, position: last.globalPosition };
    await this.saveCheckpoint(client, next);
    return { applied: events.length, checkpoint: next };
  }

  private async saveCheckpoint(client: SqlClient, checkpoint: LogCheckpoint): Promise<void> {
    await client.query(
      `UPDATE ${this.checkpoints} SET transaction_id = $2::text::xid8, position = $3, updated_at = now() WHERE projection = $1`,
      [this.projection.name, checkpoint.transactionId, checkpoint.position],
    );
  }

  private async lockCheckpoint(client: SqlClient): Promise<LogCheckpoint> {
    await client.query(`INSERT INTO ${this.checkpoints} (projection) VALUES ($1) ON CONFLICT DO NOTHING`, [
      this.projection.name,
    ]);
    const { rows } = await client.query<{ transaction_id: string; position: string }>(
      `SELECT transaction_id::text, position FROM ${this.checkpoints} WHERE projection = $1 FOR UPDATE`,
      [this.projection.name],
    );
    return { transactionId: rows[0]!.transaction_id, position: Number(rows[0]!.position) };
  }
}
