import { ident } from '@archipelago/platform-event-store';
import pg from 'pg';
import type { StreamSignal, StreamSignalsPort, StreamTicketRepositoryPort } from '../use-case/port/stream.port.js';
import { streamChannel } from './notification.sql.repository.js';

/** Stream tickets in `<schema>.stream_tickets` (SHA-256 hashes, single use). */
export class StreamTicketSqlRepository implements StreamTicketRepositoryPort {
  private readonly table: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.table = `${ident(schema)}.stream_tickets`;
  }

  async save(hash: string, userId: string, expiresAt: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} (ticket_hash, user_id, expires_at) VALUES (decode($1, 'hex'), $2, $3)`,
      [hash, userId, expiresAt],
    );
    // Tickets are short-lived: drop the ones long expired as new ones come (no job needed).
    await this.pool.query(`DELETE FROM ${this.table} WHERE expires_at < now() - interval '1 hour'`);
  }

  async redeem(hash: string, now: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ user_id: string }>(
      `UPDATE ${this.table} SET used_at = $2
       WHERE ticket_hash = decode($1, 'hex') AND used_at IS NULL AND expires_at > $2
       RETURNING user_id`,
      [hash, now],
    );
    return rows[0]?.user_id ?? null;
  }
}

/**
 * Live-stream signals of every replica: one dedicated connection LISTENs on the schema's channel
 * (`<schema>_stream`); the repository NOTIFYs in the transaction that creates a notification or
 * changes its read state, so a signal is only seen after its commit. A lost connection (Postgres
 * restarted, the backend terminated, a network cut) is reconnected every second until it LISTENs
 * again; signals sent meanwhile are lost, so once listening again it calls the `onGap` listeners
 * (the stream closes its sockets with 1012 and clients come back with `after`).
 */
export class PostgresStreamSignals implements StreamSignalsPort {
  private readonly listeners = new Set<(signal: StreamSignal) => void>();
  private readonly gapListeners = new Set<() => void>();
  private client: pg.Client | undefined;
  private closed = false;
  /** Signals may have been missed since the last time this was false (a connection was lost or never made). */
  private interrupted = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly schema: string,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  subscribe(listener: (signal: StreamSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onGap(listener: () => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  /** Connects and LISTENs; resolves once listening (or once a failed attempt has scheduled the next). */
  async start(): Promise<void> {
    if (this.closed || this.client) return;
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      if (!message.payload) return;
      let signal: StreamSignal;
      try {
        signal = JSON.parse(message.payload) as StreamSignal;
      } catch (error) {
        this.onError(error);
        return;
      }
      for (const listener of this.listeners) listener(signal);
    });
    client.on('error', (error) => {
      this.onError(error);
      this.lost(client);
    });
    // A terminated backend may end the connection without an 'error' on an idle client.
    client.on('end', () => this.lost(client));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${ident(streamChannel(this.schema))}`);
    } catch (error) {
      this.onError(error);
      this.lost(client);
      return;
    }
    if (this.client !== client || !this.interrupted) return;
    this.interrupted = false;
    for (const listener of this.gapListeners) listener();
  }

  /** `client` stopped listening: drop it and try again in a second (once per lost client). */
  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => {});
    if (this.closed) return;
    this.interrupted = true;
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, 1_000);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
