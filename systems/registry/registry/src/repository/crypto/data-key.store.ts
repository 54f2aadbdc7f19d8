import type { SqlClient } from '@archipelago/platform-event-store';
import type pg from 'pg';
import { newKey, open, seal } from './envelope.js';
import { kekById, type KeyEncryptionKey, type KeyEncryptionKeyRing } from './key-encryption-keys.js';

/** What {@link DataKeyStore.forReading} finds for an entity. */
export type DataKeyLookup =
  | { readonly state: 'present'; readonly key: Buffer }
  /** Crypto-shredded: the key is gone, whatever it encrypted is unreadable for good. */
  | { readonly state: 'shredded'; readonly at: string }
  | { readonly state: 'absent' };

/**
 * Thrown when an entity's data key is wrapped by a KEK the service does not have (a configuration
 * error: a key left out of REGISTRY_KEKS before `rewrap-data-keys` ran). Nothing of the entity can be
 * read or written until the key is back: HTTP 503 `REGISTRY.KEY_UNAVAILABLE` with `Retry-After`, the
 * readiness check `keks` names the missing kid. The message, which clients see, does not name it.
 */
export class UnknownKeyEncryptionKeyError extends Error {
  readonly code = 'REGISTRY.KEY_UNAVAILABLE';
  /** Seconds a client should wait before trying again (`Retry-After`). */
  readonly retryAfterSeconds = 30;
  constructor(
    /** The missing KEK's id (logged, never sent to clients). */
    readonly kid: string,
  ) {
    super('The encryption key of this entity is not available; retry later');
    this.name = 'UnknownKeyEncryptionKeyError';
  }
}

/** Thrown when something tries to encrypt new data for an entity whose data key was destroyed. */
export class DataKeyShreddedError extends Error {
  constructor(entityId: string) {
    super(`the data key of entity ${entityId} was destroyed (crypto-shredded)`);
    this.name = 'DataKeyShreddedError';
  }
}

/** Id of the registry's blind-index key (keyed hashes of private unique values), kept in the same table. */
export const BLIND_INDEX_KEY_ID = '00000000-0000-0000-0000-000000000000';

interface KeyRow {
  kek_id: string | null;
  wrapped_key: string | null;
  shredded_at: Date | null;
}

/**
 * Envelope encryption's data keys (table `entity_data_key`): one random AES-256 key per entity,
 * stored only wrapped (AES-256-GCM) by a key-encryption key (KEK) that lives outside the database
 * (REGISTRY_KEKS, a Secret; locally a file under `.data/`). The wrap binds the entity id as
 * associated data, so a wrapped key copied to another row does not open.
 *
 * Crypto-shredding: {@link shred} deletes the wrapped key and records when and by whom; the row
 * stays as the audit fact. Everything the key encrypted (private fields in the event log) is then
 * unreadable, in every copy and backup made afterwards.
 */
export class DataKeyStore {
  constructor(
    private readonly schema: string,
    /** The KEK ring; `refresh` re-reads its source (a KEK added by a rotation since it was read). */
    private readonly keys: (refresh?: boolean) => Promise<KeyEncryptionKeyRing>,
    /** Told each time a data key is wrapped by a KEK missing from the ring (to log its kid). */
    private readonly onMissingKek: (kid: string, entityId: string) => void = () => {},
  ) {}

  /** The KEK `kid`, re-reading the ring once when it is not there (rotated by another process). */
  private async kek(kid: string, entityId: string): Promise<KeyEncryptionKey> {
    const kek = kekById(await this.keys(), kid) ?? kekById(await this.keys(true), kid);
    if (!kek) {
      this.onMissingKek(kid, entityId);
      throw new UnknownKeyEncryptionKeyError(kid);
    }
    return kek;
  }

  /**
   * The KEK ids that wrap data keys (table `entity_data_key`) but are missing from the ring (read
   * afresh), with how many keys each wraps: empty when every data key can be opened.
   */
  async missingKeks(client: SqlClient): Promise<{ kid: string; keys: number }[]> {
    const ring = await this.keys(true);
    const { rows } = await client.query<{ kek_id: string; keys: string }>(
      `SELECT kek_id, count(*) AS keys FROM ${this.table} WHERE wrapped_key IS NOT NULL GROUP BY kek_id ORDER BY kek_id`,
    );
    return rows.filter((r) => !kekById(ring, r.kek_id)).map((r) => ({ kid: r.kek_id, keys: Number(r.keys) }));
  }

  private blindIndexKey: Buffer | undefined;

  private get table(): string {
    return `"${this.schema}".entity_data_key`;
  }

  private static aad(entityId: string): string {
    return `registry:data-key:${entityId}`;
  }

  /**
   * The entity's data key, created (and wrapped by the current KEK) on first use, on the caller's
   * transaction: a key created by a transaction that rolls back disappears with it.
   * @throws DataKeyShreddedError when the key was destroyed
   */
  async forWriting(client: SqlClient, entityId: string): Promise<Buffer> {
    // The blind-index key never changes (a KEK rotation re-wraps it, the key stays) and is never
    // shredded: once read, it is kept (saves two statements per create of a private unique value).
    // Only a key read back from its row is kept: one inserted now could still roll back.
    if (entityId === BLIND_INDEX_KEY_ID && this.blindIndexKey) return this.blindIndexKey;
    const { key, inserted } = await this.dataKeyForWriting(client, entityId);
    if (entityId === BLIND_INDEX_KEY_ID && !inserted) this.blindIndexKey = key;
    return key;
  }

  private async dataKeyForWriting(client: SqlClient, entityId: string): Promise<{ key: Buffer; inserted: boolean }> {
    const ring = await this.keys();
    const candidate = newKey();
    const inserted = await client.query<{ entity_id: string }>(
      `INSERT INTO ${this.table} (entity_id, kek_id, wrapped_key) VALUES ($1, $2, $3)
       ON CONFLICT (entity_id) DO NOTHING RETURNING entity_id`,
      [entityId, ring.current.kid, seal(ring.current.key, candidate, DataKeyStore.aad(entityId))],
    );
    if (inserted.rows.length === 1) return { key: candidate, inserted: true };
    const found = await this.forReading(client, entityId);
    if (found.state === 'present') return { key: found.key, inserted: false };
    throw new DataKeyShreddedError(entityId);
  }

  /** The entity's data key, unwrapped; `shredded` after crypto-shredding; `absent` if it never had one. */
  async forReading(client: SqlClient, entityId: string): Promise<DataKeyLookup> {
    const { rows } = await client.query<KeyRow>(
      `SELECT kek_id, wrapped_key, shredded_at FROM ${this.table} WHERE entity_id = $1`,
      [entityId],
    );
    const row = rows[0];
    if (!row) return { state: 'absent' };
    if (row.wrapped_key === null || row.kek_id === null) {
      return { state: 'shredded', at: (row.shredded_at ?? new Date(0)).toISOString() };
    }
    const kek = await this.kek(row.kek_id, entityId);
    return { state: 'present', key: open(kek.key, row.wrapped_key, DataKeyStore.aad(entityId)) };
  }

  /**
   * Destroys the entity's data key (crypto-shredding), in the caller's transaction; records
   * `shredded_at` / `shredded_by` (a row is written even for an entity that never had a key, so
   * every erasure leaves its fact). Idempotent: a second call keeps the first fact.
   */
  async shred(client: SqlClient, entityId: string, by: string, at: string): Promise<void> {
    await client.query(
      `INSERT INTO ${this.table} (entity_id, kek_id, wrapped_key, shredded_at, shredded_by)
       VALUES ($1, NULL, NULL, $2, $3)
       ON CONFLICT (entity_id) DO UPDATE SET kek_id = NULL, wrapped_key = NULL,
         shredded_at = COALESCE(${this.table}.shredded_at, EXCLUDED.shredded_at),
         shredded_by = COALESCE(${this.table}.shredded_by, EXCLUDED.shredded_by)`,
      [entityId, at, by],
    );
  }

  /**
   * Re-wraps every data key not wrapped by the current KEK (after a KEK rotation), in batches of
   * `batch` rows, each batch one transaction (rows locked, so concurrent runs do not clash). The
   * data keys themselves, and so the event log, do not change. Returns how many were re-wrapped.
   * @throws Error naming the kid when a key is wrapped by a KEK missing from the ring (the operator's
   *   message: keep older keys until this has run)
   */
  async rewrap(pool: pg.Pool, batch = 500): Promise<{ rewrapped: number; current: string }> {
    const ring = await this.keys(true);
    let rewrapped = 0;
    for (;;) {
      const client = await pool.connect();
      let count = 0;
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ entity_id: string; kek_id: string; wrapped_key: string }>(
          `SELECT entity_id, kek_id, wrapped_key FROM ${this.table}
            WHERE wrapped_key IS NOT NULL AND kek_id <> $1
            ORDER BY entity_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [ring.current.kid, batch],
        );
        for (const row of rows) {
          const kek = kekById(ring, row.kek_id);
          if (!kek) {
            throw new Error(
              `data key wrapped by an unknown key-encryption key ${row.kek_id}: keep older keys in REGISTRY_KEKS until rewrap-data-keys has run`,
            );
          }
          const aad = DataKeyStore.aad(row.entity_id);
          const dataKey = open(kek.key, row.wrapped_key, aad);
          await client.query(
            `UPDATE ${this.table} SET kek_id = $2, wrapped_key = $3, rewrapped_at = now() WHERE entity_id = $1`,
            [row.entity_id, ring.current.kid, seal(ring.current.key, dataKey, aad)],
          );
        }
        await client.query('COMMIT');
        count = rows.length;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
      rewrapped += count;
      if (count < batch) return { rewrapped, current: ring.current.kid };
    }
  }
}
