import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { FeedTokenPort } from '../use-case/port/feed-token.port.js';

/** SHA-256 of a feed token, hex: what is stored and looked up. */
export const hashFeedToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Feed tokens in Postgres (`feed_tokens`, one row per workspace and user; hashes only). */
export class PostgresFeedTokens implements FeedTokenPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  async issue(workspaceId: string, userId: string, at: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.pool.query(
      `INSERT INTO "${this.schema}".feed_tokens (workspace_id, user_id, token_hash, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_id, user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
      [workspaceId, userId, hashFeedToken(token), at],
    );
    return token;
  }

  async userOf(workspaceId: string, token: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ user_id: string }>(
      `SELECT user_id FROM "${this.schema}".feed_tokens WHERE workspace_id = $1 AND token_hash = $2`,
      [workspaceId, hashFeedToken(token)],
    );
    return rows[0]?.user_id ?? null;
  }
}
