import { inTransaction } from '@archipelago/platform-event-store';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type {
  ConsumedRefreshToken,
  RefreshTokenGrant,
  RefreshTokenStorePort,
} from '../use-case/port/refresh-token.store.port.js';

const sha256 = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

interface Row {
  family_id: string;
  subject: string;
  scope: string | null;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

/**
 * Refresh tokens in Postgres, keyed by SHA-256 of the token (the token itself is never stored:
 * a database leak yields nothing usable). Families hold the subject and the revocation mark.
 */
export class RefreshTokenPostgresStore implements RefreshTokenStorePort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  async issue(token: string, grant: RefreshTokenGrant, now: Date): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO ${this.table('refresh_token_families')} (id, subject, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
        [grant.familyId, grant.subject, now],
      );
      await client.query(
        `INSERT INTO ${this.table('refresh_tokens')} (token_hash, family_id, scope, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
        [sha256(token), grant.familyId, grant.scope ?? null, now, grant.expiresAt],
      );
    });
  }

  async consume(token: string, now: Date): Promise<ConsumedRefreshToken | undefined> {
    const hash = sha256(token);
    // The row lock makes the check-and-mark atomic: of two concurrent uses exactly one is fresh.
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<Row>(
        `SELECT t.family_id, f.subject, t.scope, t.expires_at, t.used_at, f.revoked_at
           FROM ${this.table('refresh_tokens')} t JOIN ${this.table('refresh_token_families')} f ON f.id = t.family_id
          WHERE t.token_hash = $1 FOR UPDATE OF t`,
        [hash],
      );
      const row = rows[0];
      if (!row) return undefined;
      if (row.used_at === null) {
        await client.query(`UPDATE ${this.table('refresh_tokens')} SET used_at = $2 WHERE token_hash = $1`, [
          hash,
          now,
        ]);
      }
      return {
        status: row.used_at === null ? 'fresh' : 'reused',
        familyId: row.family_id,
        subject: row.subject,
        ...(row.scope !== null && { scope: row.scope }),
        expiresAt: row.expires_at.toISOString(),
        familyRevoked: row.revoked_at !== null,
      };
    });
  }

  async revokeFamily(familyId: string, now: Date): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.table('refresh_token_families')} SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [familyId, now],
    );
  }

  async revokeSubject(subject: string, now: Date): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.table('refresh_token_families')} SET revoked_at = $2 WHERE subject = $1 AND revoked_at IS NULL`,
      [subject, now],
    );
    return rowCount ?? 0;
  }

  private table(name: string): string {
    return `"${this.schema}".${name}`;
  }
}
