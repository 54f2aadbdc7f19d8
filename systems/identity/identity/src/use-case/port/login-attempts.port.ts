/**
 * Failed password attempts per account (normalised e-mail, whether or not an account exists),
 * counted in a fixed window. Implemented in repository/ (Postgres: shared by every instance).
 */
export interface LoginAttemptsPort {
  /** Failures recorded for `email` in the window that contains `now`; 0 once the window has passed. */
  recentFailures(email: string, now: Date, windowSeconds: number): Promise<number>;
  /** Records one failure; starts a new window when the previous one has passed. */
  recordFailure(email: string, now: Date, windowSeconds: number): Promise<void>;
  /** Forgets the failures of `email` (after a successful login). */
  clear(email: string): Promise<void>;
}

export const LOGIN_ATTEMPTS = Symbol('LoginAttemptsPort');
