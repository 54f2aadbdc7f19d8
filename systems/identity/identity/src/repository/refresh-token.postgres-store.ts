import { IDENTITY_EVENTS, type NewSignInDetectedV1 } from '@archipelago/identity-contracts';
import { inTransaction } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { classifySignIn, MAX_SEEN_DEVICES, type SignInDevice } from '../entity/sign-in/new-sign-in.js';
import { signInDevice } from './sign-in-device.js';
import type {
  ConsumedRefreshToken,
  NewSession,
  RefreshTokenGrant,
  RefreshTokenStorePort,
  SessionView,
} from '../use-case/port/refresh-token.store.port.js';

const sha256 = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

interface Row {
  family_id: string;
  subject: string;
  scope: string | null;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  absolute_expires_at: Date;
  client_id: string | null;
  auth_time: Date;
  amr: string[] | null;
}

/**
 * Refresh tokens in Postgres, keyed by SHA-256 of the token (the token itself is never stored:
 * a database leak yields nothing usable). Families (sessions) hold the subject, client, IPs, last
 * use, absolute expiry and the revocation mark. A new family is a sign-in: its device is
 * remembered in `sign_in_devices` and a new one announced (`NewSignInDetectedV1`), in the same
 * transaction.
 */
export class RefreshTokenPostgresStore implements RefreshTokenStorePort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly messaging: Messaging,
  ) {}

  async issue(token: string, grant: RefreshTokenGrant, now: Date, session?: NewSession): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      if (session) {
        await client.query(
          `INSERT INTO ${this.table('refresh_token_families')}
             (id, subject, created_at, client_id, created_ip, last_used_at, last_used_ip, absolute_expires_at, auth_time, amr)
           VALUES ($1, $2, $3, $4, $5, $3, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
          [
            grant.familyId,
            grant.subject,
            now,
            session.clientId ?? null,
            session.ip ?? null,
            session.absoluteExpiresAt,
            session.authTime,
            [...session.amr],
          ],
        );
        await this.rememberDevice(client, grant, now, session);
      }
      await client.query(
        `INSERT INTO ${this.table('refresh_tokens')} (token_hash, family_id, scope, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
        [sha256(token), grant.familyId, grant.scope ?? null, now, grant.expiresAt],
      );
    });
  }

  /**
   * The new-sign-in rule (entity/sign-in): compares the sign-in's device with the user's remembered
   * ones, remembers it (its `last_seen_at` refreshed at most hourly, so a burst of sign-ins from
   * one device — a load test — does not rewrite the row each time), keeps the
   * {@link MAX_SEEN_DEVICES} most recently seen, and publishes `NewSignInDetectedV1` for a new one.
   */
  private async rememberDevice(
    client: pg.PoolClient,
    grant: RefreshTokenGrant,
    now: Date,
    session: NewSession,
  ): Promise<void> {
    const device = signInDevice(session.clientId, session.userAgent, session.ip);
    const table = this.table('sign_in_devices');
    const { rows } = await client.query<{ client_id: string; device: string; network: string; last_seen_at: Date }>(
      `SELECT client_id, device, network, last_seen_at FROM ${table} WHERE user_id = $1`,
      [grant.subject],
    );
    const seen = rows.map((r) => ({
      clientId: r.client_id,
      device: r.device,
      network: r.network,
      lastSeenAt: r.last_seen_at,
    }));
    const novelty = classifySignIn(seen, device, now);
    await client.query(
      `INSERT INTO ${table} AS d (user_id, client_id, device, network, first_seen_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (user_id, client_id, device, network)
       DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at WHERE d.last_seen_at < EXCLUDED.last_seen_at - interval '1 hour'`,
      [grant.subject, device.clientId, device.device, device.network, now],
    );
    if (novelty !== 'known' && rows.length >= MAX_SEEN_DEVICES) {
      await client.query(
        `DELETE FROM ${table} WHERE user_id = $1 AND (client_id, device, network) NOT IN (
           SELECT client_id, device, network FROM ${table} WHERE user_id = $1 ORDER BY last_seen_at DESC LIMIT $2)`,
        [grant.subject, MAX_SEEN_DEVICES],
      );
    }
    if (novelty === 'new') await this.announce(client, grant, now, session, device);
  }

  private async announce(
    client: pg.PoolClient,
    grant: RefreshTokenGrant,
    now: Date,
    session: NewSession,
    device: SignInDevice,
  ): Promise<void> {
    const payload: NewSignInDetectedV1 = {
      id: grant.subject,
      sessionId: grant.familyId,
      ...(session.clientId && { clientId: session.clientId }),
      userAgent: (session.userAgent ?? '').slice(0, 256),
      device: device.device,
      ...(device.network && { network: device.network }),
      occurredAt: now.toISOString(),
    };
    const { topic, type } = IDENTITY_EVENTS.NewSignInDetectedV1;
    await this.messaging.outbox.add(client, [{ topic, type, key: grant.subject, payload }]);
  }

  async consume(token: string, now: Date, ip?: string): Promise<ConsumedRefreshToken | undefined> {
    const hash = sha256(token);
    // The row lock makes the check-and-mark atomic: of two concurrent uses exactly one is fresh.
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<Row>(
        `SELECT t.family_id, f.subject, t.scope, t.expires_at, t.used_at, f.revoked_at, f.absolute_expires_at,
                f.client_id, f.auth_time, f.amr
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
        await client.query(
          `UPDATE ${this.table('refresh_token_families')} SET last_used_at = $2, last_used_ip = coalesce($3, last_used_ip) WHERE id = $1`,
          [row.family_id, now, ip ?? null],
        );
      }
      return {
        status: row.used_at === null ? 'fresh' : 'reused',
        familyId: row.family_id,
        subject: row.subject,
        ...(row.scope !== null && { scope: row.scope }),
        expiresAt: row.expires_at.toISOString(),
        familyRevoked: row.revoked_at !== null,
        absoluteExpiresAt: row.absolute_expires_at.toISOString(),
        ...(row.client_id !== null && { clientId: row.client_id }),
        authTime: row.auth_time.toISOString(),
        amr: row.amr ?? [],
      };
    });
  }

  async revokeFamily(familyId: string, now: Date): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.table('refresh_token_families')} SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [familyId, now],
    );
  }

  async revokeSubject(subject: string, now: Date, exceptFamilyId?: string): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.table('refresh_token_families')} SET revoked_at = $2
        WHERE subject = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [subject, now, exceptFamilyId ?? null],
    );
    return rowCount ?? 0;
  }

  async revokeSession(subject: string, familyId: string, now: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.table('refresh_token_families')} SET revoked_at = $3
        WHERE id = $2 AND subject = $1 AND revoked_at IS NULL AND absolute_expires_at > $3`,
      [subject, familyId, now],
    );
    return (rowCount ?? 0) > 0;
  }

  async familyOf(token: string): Promise<{ familyId: string; subject: string } | undefined> {
    const { rows } = await this.pool.query<{ family_id: string; subject: string }>(
      `SELECT t.family_id, f.subject FROM ${this.table('refresh_tokens')} t
         JOIN ${this.table('refresh_token_families')} f ON f.id = t.family_id WHERE t.token_hash = $1`,
      [sha256(token)],
    );
    const row = rows[0];
    return row && { familyId: row.family_id, subject: row.subject };
  }

  async inspect(
    token: string,
    now: Date,
  ): Promise<{ active: boolean; subject: string; scope?: string; clientId?: string; expiresAt: string } | undefined> {
    const { rows } = await this.pool.query<{
      subject: string;
      scope: string | null;
      client_id: string | null;
      expires_at: Date;
      active: boolean;
    }>(
      `SELECT f.subject, t.scope, f.client_id, least(t.expires_at, f.absolute_expires_at) AS expires_at,
              (t.used_at IS NULL AND f.revoked_at IS NULL AND t.expires_at > $2 AND f.absolute_expires_at > $2) AS active
         FROM ${this.table('refresh_tokens')} t JOIN ${this.table('refresh_token_families')} f ON f.id = t.family_id
        WHERE t.token_hash = $1`,
      [sha256(token), now],
    );
    const r = rows[0];
    return (
      r && {
        active: r.active,
        subject: r.subject,
        ...(r.scope !== null && { scope: r.scope }),
        ...(r.client_id !== null && { clientId: r.client_id }),
        expiresAt: r.expires_at.toISOString(),
      }
    );
  }

  async listSessions(subject: string, now: Date): Promise<SessionView[]> {
    const { rows } = await this.pool.query<{
      id: string;
      client_id: string | null;
      created_at: Date;
      last_used_at: Date;
      ip: string | null;
      expires_at: Date;
    }>(
      `SELECT f.id, f.client_id, f.created_at, f.last_used_at, coalesce(f.last_used_ip, f.created_ip) AS ip,
              least(f.absolute_expires_at, max(t.expires_at)) AS expires_at
         FROM ${this.table('refresh_token_families')} f
         JOIN ${this.table('refresh_tokens')} t ON t.family_id = f.id AND t.used_at IS NULL AND t.expires_at > $2
        WHERE f.subject = $1 AND f.revoked_at IS NULL AND f.absolute_expires_at > $2
        GROUP BY f.id ORDER BY f.created_at DESC LIMIT 100`,
      [subject, now],
    );
    return rows.map((r) => ({
      id: r.id,
      clientId: r.client_id,
      createdAt: r.created_at.toISOString(),
      lastUsedAt: r.last_used_at.toISOString(),
      ip: r.ip,
      expiresAt: r.expires_at.toISOString(),
    }));
  }

  private table(name: string): string {
    return `"${this.schema}".${name}`;
  }
}
