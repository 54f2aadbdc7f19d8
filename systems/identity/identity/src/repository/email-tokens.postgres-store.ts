import {
  IDENTITY_EVENTS,
  type EmailVerificationRequestedV1,
  type PasswordResetRequestedV1,
  type RegistrationAttemptedV1,
} from '@archipelago/identity-contracts';
import { inTransaction } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type {
  EmailTokenOwner,
  EmailTokenPurpose,
  EmailTokensPort,
  IssuedEmailToken,
} from '../use-case/port/email-tokens.port.js';

const sha256 = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * E-mail tokens in `<schema>.email_tokens` (SHA-256 only) and, in the same transaction, the
 * outbox message that asks the notifications system to send them. A token is 256 random bits,
 * base64url (43 characters).
 */
export class EmailTokensPostgresStore implements EmailTokensPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly messaging: Messaging,
  ) {}

  async issue(
    purpose: EmailTokenPurpose,
    owner: EmailTokenOwner,
    now: Date,
    ttlSeconds: number,
  ): Promise<IssuedEmailToken> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
    await inTransaction(this.pool, async (client) => {
      // Superseded: only the newest link of a purpose works. Used and expired rows go too.
      await client.query(`DELETE FROM ${this.table()} WHERE user_id = $1 AND purpose = $2`, [owner.userId, purpose]);
      await client.query(
        `INSERT INTO ${this.table()} (token_hash, purpose, user_id, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [sha256(token), purpose, owner.userId, owner.email, now, expiresAt],
      );
      const payload: EmailVerificationRequestedV1 | PasswordResetRequestedV1 = {
        id: owner.userId,
        email: owner.email,
        token,
        expiresAt,
        occurredAt: now.toISOString(),
      };
      const { topic, type } =
        IDENTITY_EVENTS[purpose === 'verify-email' ? 'EmailVerificationRequestedV1' : 'PasswordResetRequestedV1'];
      await this.messaging.outbox.add(client, [{ topic, type, key: owner.userId, payload }]);
    });
    return { token, expiresAt };
  }

  async consume(purpose: EmailTokenPurpose, token: string, now: Date): Promise<EmailTokenOwner | undefined> {
    const { rows } = await this.pool.query<{ user_id: string; email: string }>(
      `UPDATE ${this.table()} SET used_at = $3
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
        RETURNING user_id, email`,
      [sha256(token), purpose, now],
    );
    const row = rows[0];
    return row && { userId: row.user_id, email: row.email };
  }

  async find(purpose: EmailTokenPurpose, token: string, now: Date): Promise<EmailTokenOwner | undefined> {
    const { rows } = await this.pool.query<{ user_id: string; email: string }>(
      `SELECT user_id, email FROM ${this.table()}
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`,
      [sha256(token), purpose, now],
    );
    const row = rows[0];
    return row && { userId: row.user_id, email: row.email };
  }

  async revoke(purpose: EmailTokenPurpose, userId: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table()} WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, [
      userId,
      purpose,
    ]);
  }

  async registrationAttempted(owner: EmailTokenOwner, now: Date): Promise<void> {
    const payload: RegistrationAttemptedV1 = { id: owner.userId, email: owner.email, occurredAt: now.toISOString() };
    const { topic, type } = IDENTITY_EVENTS.RegistrationAttemptedV1;
    await inTransaction(this.pool, (client) =>
      this.messaging.outbox.add(client, [{ topic, type, key: owner.userId, payload }]),
    );
  }

  private table(): string {
    return `"${this.schema}".email_tokens`;
  }
}
