/**
 * What an e-mailed token proves: that its reader receives mail at the account's address
 * (`verify-email`), or may also choose a new password (`reset-password`).
 */
export type EmailTokenPurpose = 'verify-email' | 'reset-password';

/** The account a token was issued for. */
export interface EmailTokenOwner {
  readonly userId: string;
  /** The (normalised) address the token was sent to. */
  readonly email: string;
}

/** A token just issued: the clear value (only in the outgoing event) and its expiry (ISO 8601). */
export interface IssuedEmailToken {
  readonly token: string;
  readonly expiresAt: string;
}

/**
 * Single-use tokens sent by e-mail, kept as their SHA-256 only, and the integration events that
 * ask the notifications system to send them (implemented in repository/: token row and outbox
 * message in one transaction).
 */
export interface EmailTokensPort {
  /**
   * Issues a token of `purpose` for `owner`, valid `ttlSeconds` from `now`; the unused tokens of
   * the same purpose and user are superseded (deleted). In the same transaction the event asking
   * for the e-mail is added to the outbox (EmailVerificationRequestedV1 / PasswordResetRequestedV1).
   */
  issue(purpose: EmailTokenPurpose, owner: EmailTokenOwner, now: Date, ttlSeconds: number): Promise<IssuedEmailToken>;
  /**
   * Uses a token once, atomically: its owner when the token exists for `purpose`, is unused and
   * unexpired at `now`; otherwise `undefined` (unknown, used, superseded, expired, other purpose).
   */
  consume(purpose: EmailTokenPurpose, token: string, now: Date): Promise<EmailTokenOwner | undefined>;
  /** The owner of a token that {@link consume} would accept now, without using it. */
  find(purpose: EmailTokenPurpose, token: string, now: Date): Promise<EmailTokenOwner | undefined>;
  /** Revokes every unused token of `purpose` of `userId` (a password change revokes reset links). */
  revoke(purpose: EmailTokenPurpose, userId: string): Promise<void>;
  /** Publishes RegistrationAttemptedV1: someone tried to register `owner.email` again. */
  registrationAttempted(owner: EmailTokenOwner, now: Date): Promise<void>;
}

export const EMAIL_TOKENS = Symbol('EmailTokensPort');
