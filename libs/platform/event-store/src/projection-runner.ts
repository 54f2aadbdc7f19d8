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
  /** Empties the read model, before a rebuild from the first event. */
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
    return inTransaction(this.pool, async (client) => {
      const checkpoint = await this.lockCheckpoint(client);
      const events = await this.store.readAll(client, checkpoint, this.options.batchSize ?? 500);
      if (events.length === 0) return 0;
      for (const event of events) await this.projection.apply(client, event);
      const last = events[events.length - 1]!;
      await client.query(
        `UPDATE ${this.checkpoints} SET transaction_id = $2::text::xid8, position = $3, updated_at = now() WHERE projection = $1`,
        [this.projection.name, last.transactionId, last.globalPosition],
      );
      return events.length;
    });
  }

  /** Applies batches until the log is exhausted (as far as it is safely visible). */
  async catchUp(): Promise<void> {
    while ((await this.runOnce()) > 0) {
      /* next batch */
    }
  }

  /** Empties the read model and replays the whole log into it. */
  async rebuild(): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await this.lockCheckpoint(client);
      await this.projection.reset(client);
      await client.query(
        `UPDATE ${this.checkpoints} SET transaction_id = '0', position = 0, updated_at = now() WHERE projection = $1`,
        [this.projection.name],
      );
    });
    await this.catchUp();
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
