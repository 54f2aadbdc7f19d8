import { inTransaction } from '@archipelago/platform-event-store';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { SecretBoxPort } from '../use-case/port/secret-box.port.js';
import type { TotpFactor, TotpFactorsPort } from '../use-case/port/totp.port.js';

const sha256 = (code: string): Buffer => createHash('sha256').update(code, 'utf8').digest();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The additional authenticated data of a user's sealed secret: a sealed value moved to another row does not open. */
const contextOf = (userId: string): string => `totp:${userId.toLowerCase()}`;

/**
 * TOTP factors in Postgres. Replay protection and single-use recovery codes are single
 * conditional UPDATEs, so of two concurrent uses of one code exactly one succeeds.
 *
 * The shared secret is encrypted at rest (`secret` holds only the sealed value, see
 * {@link SecretBoxPort}): a clear secret from before encryption, or one sealed with a key that is
 * no longer current, is sealed again when read, and {@link resealStaleSecrets} seals all of them
 * at start-up.
 */
export class TotpFactorsPostgresStore implements TotpFactorsPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly box: SecretBoxPort,
  ) {}

  async find(userId: string): Promise<TotpFactor | undefined> {
    if (!UUID.test(userId)) return undefined;
    const { rows } = await this.pool.query<{
      status: 'pending' | 'active';
      secret: string;
      last_used_step: string | null;
    }>(`SELECT status, secret, last_used_step FROM ${this.table('totp_factors')} WHERE user_id = $1`, [userId]);
    const r = rows[0];
    if (!r) return undefined;
    const opened = this.box.open(r.secret, contextOf(userId));
    if (opened.stale) await this.reseal(userId, r.secret, opened.plaintext);
    return {
      userId,
      status: r.status,
      secret: opened.plaintext,
      ...(r.last_used_step !== null && { lastUsedStep: Number(r.last_used_step) }),
    };
  }

  async savePending(userId: string, clearSecret: string, now: Date): Promise<boolean> {
    const secret = this.box.seal(clearSecret, contextOf(userId));
    const { rowCount } = await this.pool.query(
      `INSERT INTO ${this.table('totp_factors')} (user_id, status, secret, created_at) VALUES ($1, 'pending', $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, created_at = EXCLUDED.created_at
         WHERE ${this.table('totp_factors')}.status = 'pending'`,
      [userId, secret, now],
    );
    return rowCount === 1;
  }

  activate(userId: string, step: number, recoveryCodes: readonly string[], now: Date): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `UPDATE ${this.table('totp_factors')} SET status = 'active', last_used_step = $2, confirmed_at = $3
          WHERE user_id = $1 AND status = 'pending'`,
        [userId, step, now],
      );
      if (rowCount !== 1) return false;
      await client.query(`DELETE FROM ${this.table('totp_recovery_codes')} WHERE user_id = $1`, [userId]);
      await client.query(
        `INSERT INTO ${this.table('totp_recovery_codes')} (user_id, code_hash) SELECT $1, unnest($2::bytea[])`,
        [userId, recoveryCodes.map(sha256)],
      );
      return true;
    });
  }

  async useStep(userId: string, step: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.table('totp_factors')} SET last_used_step = $2
        WHERE user_id = $1 AND status = 'active' AND (last_used_step IS NULL OR last_used_step < $2)`,
      [userId, step],
    );
    return rowCount === 1;
  }

  async useRecoveryCode(userId: string, code: string, now: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.table('totp_recovery_codes')} SET used_at = $3
        WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
      [userId, sha256(code), now],
    );
    return rowCount === 1;
  }

  async recoveryCodesLeft(userId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${this.table('totp_recovery_codes')} WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    );
    return rows[0]?.n ?? 0;
  }

  async remove(userId: string): Promise<boolean> {
    if (!UUID.test(userId)) return false;
    return inTransaction(this.pool, async (client) => {
      // A live e-mailed code is a fallback of this factor: it goes with it.
      await client.query(`DELETE FROM ${this.table('email_otps')} WHERE user_id = $1`, [userId]);
      const { rowCount } = await client.query(`DELETE FROM ${this.table('totp_factors')} WHERE user_id = $1`, [userId]);
      return rowCount === 1;
    });
  }

  /**
   * Seals again every secret that is not sealed with the current key: rows stored in clear before
   * encryption at rest, and rows sealed with an older key after a rotation. Returns how many were
   * sealed. Safe to run concurrently with the service (a row changes only while it still holds the
   * value read).
   */
  async resealStaleSecrets(): Promise<number> {
    const { rows } = await this.pool.query<{ user_id: string; secret: string }>(
      `SELECT user_id, secret FROM ${this.table('totp_factors')} WHERE left(secret, length($1)) <> $1`,
      [this.box.currentPrefix],
    );
    let sealed = 0;
    for (const row of rows) {
      const opened = this.box.open(row.secret, contextOf(row.user_id));
      if (opened.stale && (await this.reseal(row.user_id, row.secret, opened.plaintext))) sealed += 1;
    }
    return sealed;
  }

  /** Replaces the stored value `stored` by `plaintext` sealed with the current key (no-op when the row changed meanwhile). */
  private async reseal(userId: string, stored: string, plaintext: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.table('totp_factors')} SET secret = $3 WHERE user_id = $1 AND secret = $2`,
      [userId, stored, this.box.seal(plaintext, contextOf(userId))],
    );
    return rowCount === 1;
  }

  private table(name: string): string {
    return `"${this.schema}".${name}`;
  }
}
