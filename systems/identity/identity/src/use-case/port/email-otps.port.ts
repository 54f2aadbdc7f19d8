/** The account an e-mail one-time code is sent to. */
export interface EmailOtpOwner {
  readonly userId: string;
  /** The (normalised) address the code goes to. */
  readonly email: string;
}

/**
 * One-time codes sent by e-mail as the fallback second factor (implemented in repository/: the
 * code's hash and the outbox message asking notifications to send it, in one transaction).
 * At most one live code per user: a new one supersedes the previous.
 */
export interface EmailOtpsPort {
  /**
   * Issues a new 8-digit code for `owner`, valid `ttlSeconds` from `now` (the previous one stops
   * working), and adds EmailOtpRequestedV1 to the outbox. Returns the expiry (ISO 8601).
   */
  issue(owner: EmailOtpOwner, now: Date, ttlSeconds: number): Promise<{ readonly expiresAt: string }>;
  /** Uses the code once, atomically: true when it is `userId`'s live code (unused, unexpired at `now`). */
  consume(userId: string, code: string, now: Date): Promise<boolean>;
}

export const EMAIL_OTPS = Symbol('EmailOtpsPort');
