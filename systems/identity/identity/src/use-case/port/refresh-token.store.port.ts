/** A refresh token as stored: its family and what it grants. Timestamps are ISO 8601. */
export interface RefreshTokenGrant {
  /** Every token descending from one login shares its family id. */
  readonly familyId: string;
  /** User id. */
  readonly subject: string;
  readonly scope?: string;
  readonly expiresAt: string;
}

/** What {@link RefreshTokenStorePort.consume} found. */
export interface ConsumedRefreshToken extends RefreshTokenGrant {
  /** `fresh`: first use, now marked used; `reused`: it had been used before (a replay). */
  readonly status: 'fresh' | 'reused';
  readonly familyRevoked: boolean;
}

/**
 * Opaque refresh tokens (RFC 6749 §1.5, §10.4), stored hashed: the store never keeps the token
 * itself. Implemented in repository/ (Postgres, so it holds across instances).
 */
export interface RefreshTokenStorePort {
  /** Stores `token` (hashed) with its grant; a new family when `familyId` is new. */
  issue(token: string, grant: RefreshTokenGrant, now: Date): Promise<void>;
  /**
   * Atomically marks `token` used and returns its record; of two concurrent uses exactly one
   * sees `fresh`. `undefined` for a token never issued.
   */
  consume(token: string, now: Date): Promise<ConsumedRefreshToken | undefined>;
  /** Revokes every token of the family (replay detected, or account gone). */
  revokeFamily(familyId: string, now: Date): Promise<void>;
  /** Revokes every family of `subject` (roles changed, account disabled); returns how many were live. */
  revokeSubject(subject: string, now: Date): Promise<number>;
}

export const REFRESH_TOKEN_STORE = Symbol('RefreshTokenStorePort');
