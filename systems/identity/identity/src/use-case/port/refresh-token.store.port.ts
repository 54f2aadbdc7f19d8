/** A refresh token as stored: its family and what it grants. Timestamps are ISO 8601. */
export interface RefreshTokenGrant {
  /** Every token descending from one login shares its family id (= the session id, `sid`). */
  readonly familyId: string;
  /** User id. */
  readonly subject: string;
  readonly scope?: string;
  /** This token's own expiry: the idle lifetime from its issue, never past the family's absolute expiry. */
  readonly expiresAt: string;
}

/** What a login fixes for its whole family (session). */
export interface NewSession {
  /** OAuth client that obtained it; `undefined` for the password grant without a client. */
  readonly clientId?: string;
  /** Client IP at login. */
  readonly ip?: string;
  /** `User-Agent` of the login request (at most 256 characters): the new-sign-in rule reads its browser family. */
  readonly userAgent?: string;
  /** The family ends here whatever its use (absolute lifetime). */
  readonly absoluteExpiresAt: string;
  /** When the user authenticated (OpenID Connect `auth_time`). */
  readonly authTime: string;
  /** Authentication methods (RFC 8176 `amr`), e.g. `['pwd']`. */
  readonly amr: readonly string[];
}

/** What {@link RefreshTokenStorePort.consume} found. */
export interface ConsumedRefreshToken extends RefreshTokenGrant {
  /** `fresh`: first use, now marked used; `reused`: it had been used before (a replay). */
  readonly status: 'fresh' | 'reused';
  readonly familyRevoked: boolean;
  readonly absoluteExpiresAt: string;
  readonly clientId?: string;
  readonly authTime: string;
  readonly amr: readonly string[];
}

/** A live session (refresh-token family) as its user sees it. */
export interface SessionView {
  readonly id: string;
  readonly clientId: string | null;
  readonly createdAt: string;
  readonly lastUsedAt: string;
  /** IP of the last use (or of the login). */
  readonly ip: string | null;
  readonly expiresAt: string;
}

/**
 * Opaque refresh tokens (RFC 6749 §1.5, §10.4), stored hashed: the store never keeps the token
 * itself. Families are sessions. Implemented in repository/ (Postgres, so it holds across instances).
 */
export interface RefreshTokenStorePort {
  /**
   * Stores `token` (hashed) with its grant; `session` is required for (and only used by) a new
   * family. A new family is a sign-in: in the same transaction the store remembers its device and,
   * when `classifySignIn` (entity/sign-in) calls it `new`, publishes `NewSignInDetectedV1` (outbox).
   */
  issue(token: string, grant: RefreshTokenGrant, now: Date, session?: NewSession): Promise<void>;
  /**
   * Atomically marks `token` used and returns its record; of two concurrent uses exactly one
   * sees `fresh`. Records the family's last use (`now`, `ip`). `undefined` for a token never issued.
   */
  consume(token: string, now: Date, ip?: string): Promise<ConsumedRefreshToken | undefined>;
  /** Revokes every token of the family (replay detected, or account gone). */
  revokeFamily(familyId: string, now: Date): Promise<void>;
  /** Revokes every family of `subject` but `exceptFamilyId`; returns how many were live. */
  revokeSubject(subject: string, now: Date, exceptFamilyId?: string): Promise<number>;
  /** Revokes the family `familyId` when it belongs to `subject`; false when it does not exist, is not theirs or already ended. */
  revokeSession(subject: string, familyId: string, now: Date): Promise<boolean>;
  /** The family of a refresh token, whatever its state (RFC 7009 revocation); `undefined` for an unknown token. */
  familyOf(token: string): Promise<{ familyId: string; subject: string } | undefined>;
  /**
   * A refresh token's state without using it (RFC 7662 introspection): active when unused, unexpired
   * and its family neither revoked nor past its absolute expiry. `undefined` for an unknown token.
   */
  inspect(
    token: string,
    now: Date,
  ): Promise<{ active: boolean; subject: string; scope?: string; clientId?: string; expiresAt: string } | undefined>;
  /** The live sessions of `subject` (not revoked, not past their absolute expiry, with an unexpired unused token), newest first. */
  listSessions(subject: string, now: Date): Promise<SessionView[]>;
}

export const REFRESH_TOKEN_STORE = Symbol('RefreshTokenStorePort');
