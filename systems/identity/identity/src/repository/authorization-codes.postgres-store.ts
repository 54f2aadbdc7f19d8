import { inTransaction } from '@archipelago/platform-event-store';
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type {
  AuthorizationCodesPort,
  AuthorizationRequest,
  CodeGrant,
  ConsumedCode,
  StoredAuthorizationRequest,
} from '../use-case/port/authorization-codes.port.js';

const sha256 = (code: string): Buffer => createHash('sha256').update(code, 'utf8').digest();

/** Authorization requests and codes in Postgres; a code is kept as its SHA-256 only. */
export class AuthorizationCodesPostgresStore implements AuthorizationCodesPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  async saveRequest(request: AuthorizationRequest, now: Date, ttlSeconds: number): Promise<string> {
    const id = randomBytes(24).toString('base64url');
    await this.pool.query(
      `INSERT INTO ${this.table('authorization_requests')} (id, client_id, redirect_uri, scope, state, nonce, code_challenge, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        request.clientId,
        request.redirectUri,
        request.scope,
        request.state ?? null,
        request.nonce ?? null,
        request.codeChallenge,
        new Date(now.getTime() + ttlSeconds * 1000),
      ],
    );
    // Expired requests of anybody are swept now and then.
    if (Math.random() < 0.05)
      await this.pool.query(`DELETE FROM ${this.table('authorization_requests')} WHERE expires_at < $1`, [now]);
    return id;
  }

  async findRequest(id: string, now: Date): Promise<StoredAuthorizationRequest | undefined> {
    const { rows } = await this.pool.query<{
      client_id: string;
      redirect_uri: string;
      scope: string;
      state: string | null;
      nonce: string | null;
      code_challenge: string;
      subject: string | null;
      auth_time: Date | null;
      amr: string | null;
    }>(
      `SELECT client_id, redirect_uri, scope, state, nonce, code_challenge, subject, auth_time, amr
         FROM ${this.table('authorization_requests')}
        WHERE id = $1 AND expires_at > $2`,
      [id, now],
    );
    const r = rows[0];
    return (
      r && {
        clientId: r.client_id,
        redirectUri: r.redirect_uri,
        scope: r.scope,
        ...(r.state !== null && { state: r.state }),
        ...(r.nonce !== null && { nonce: r.nonce }),
        codeChallenge: r.code_challenge,
        ...(r.subject !== null &&
          r.auth_time !== null && { signedIn: { subject: r.subject, authTime: r.auth_time.toISOString() } }),
        ...(r.amr !== null && { amr: r.amr.split(' ') }),
      }
    );
  }

  async markSignedIn(id: string, subject: string, authTime: string): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.table('authorization_requests')} SET subject = $2, auth_time = $3 WHERE id = $1`,
      [id, subject, authTime],
    );
  }

  async markAuthenticated(id: string, amr: readonly string[]): Promise<void> {
    await this.pool.query(`UPDATE ${this.table('authorization_requests')} SET amr = $2 WHERE id = $1`, [
      id,
      amr.join(' '),
    ]);
  }

  async deleteRequest(id: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table('authorization_requests')} WHERE id = $1`, [id]);
  }

  async issueCode(code: string, grant: CodeGrant, now: Date, ttlSeconds: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table('authorization_codes')}
         (code_hash, client_id, redirect_uri, subject, scope, nonce, code_challenge, auth_time, expires_at, amr)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        sha256(code),
        grant.clientId,
        grant.redirectUri,
        grant.subject,
        grant.scope,
        grant.nonce ?? null,
        grant.codeChallenge,
        grant.authTime,
        new Date(now.getTime() + ttlSeconds * 1000),
        grant.amr?.join(' ') ?? null,
      ],
    );
  }

  consume(code: string, now: Date): Promise<ConsumedCode | undefined> {
    const hash = sha256(code);
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{
        client_id: string;
        redirect_uri: string;
        subject: string;
        scope: string;
        nonce: string | null;
        code_challenge: string;
        auth_time: Date;
        expires_at: Date;
        used_at: Date | null;
        session_id: string | null;
        amr: string | null;
      }>(`SELECT * FROM ${this.table('authorization_codes')} WHERE code_hash = $1 FOR UPDATE`, [hash]);
      const r = rows[0];
      if (!r) return undefined;
      if (r.used_at === null)
        await client.query(`UPDATE ${this.table('authorization_codes')} SET used_at = $2 WHERE code_hash = $1`, [
          hash,
          now,
        ]);
      return {
        status: r.used_at === null ? 'fresh' : 'reused',
        clientId: r.client_id,
        redirectUri: r.redirect_uri,
        subject: r.subject,
        scope: r.scope,
        ...(r.nonce !== null && { nonce: r.nonce }),
        codeChallenge: r.code_challenge,
        authTime: r.auth_time.toISOString(),
        expiresAt: r.expires_at.toISOString(),
        ...(r.session_id !== null && { sessionId: r.session_id }),
        ...(r.amr !== null && { amr: r.amr.split(' ') }),
      };
    });
  }

  async attachSession(code: string, sessionId: string): Promise<void> {
    await this.pool.query(`UPDATE ${this.table('authorization_codes')} SET session_id = $2 WHERE code_hash = $1`, [
      sha256(code),
      sessionId,
    ]);
  }

  private table(name: string): string {
    return `"${this.schema}".${name}`;
  }
}
