import { IDENTITY_EVENTS, type EmailOtpRequestedV1 } from '@archipelago/identity-contracts';
import { inTransaction } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import { createHash, randomInt } from 'node:crypto';
import type pg from 'pg';
import type { EmailOtpOwner, EmailOtpsPort } from '../use-case/port/email-otps.port.js';

/** The hash stored for a code: SHA-256 of user id and code (8 digits alone would collide across users). */
const hashOf = (userId: string, code: string): Buffer =>
  createHash('sha256').update(`${userId.toLowerCase()}:${code}`, 'utf8').digest();

/**
 * E-mail one-time codes in `<schema>.email_otps` (one row per user, hash only) and, in the same
 * transaction, the EmailOtpRequestedV1 outbox message. Codes are 8 uniformly random digits
 * (`crypto.randomInt`); using one is a single conditional UPDATE, so it works once.
 */
export class EmailOtpsPostgresStore implements EmailOtpsPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly messaging: Messaging,
  ) {}

  async issue(owner: EmailOtpOwner, now: Date, ttlSeconds: number): Promise<{ expiresAt: string }> {
    const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO ${this.table()} (user_id, code_hash, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, NULL)
         ON CONFLICT (user_id) DO UPDATE
           SET code_hash = EXCLUDED.code_hash, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, used_at = NULL`,
        [owner.userId, hashOf(owner.userId, code), now, expiresAt],
      );
      const payload: EmailOtpRequestedV1 = {
        id: owner.userId,
        email: owner.email,
        code,
        expiresAt,
        occurredAt: now.toISOString(),
      };
      const { topic, type } = IDENTITY_EVENTS.EmailOtpRequestedV1;
      await this.messaging.outbox.add(client, [{ topic, type, key: owner.userId, payload }]);
    });
    return { expiresAt };
  }

  async consume(userId: string, code: string, now: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.table()} SET used_at = $3
        WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL AND expires_at > $3`,
      [userId, hashOf(userId, code), now],
    );
    return rowCount === 1;
  }

  private table(): string {
    return `"${this.schema}".email_otps`;
  }
}
