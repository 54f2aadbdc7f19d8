import { ConcurrencyConflictError } from './port/account.repository.port.js';

/** Attempts before a conflict is given up (20 writers racing on one wallet stay well below it). */
const MAX_ATTEMPTS = 40;

/**
 * Runs `attempt` again while it fails with {@link ConcurrencyConflictError}: optimistic
 * concurrency on the account stream, so a losing writer decides again on fresh state and is
 * never lost. A short random pause spreads the retries of writers that collided.
 * @throws the last ConcurrencyConflictError after MAX_ATTEMPTS, or any other error at once
 */
export async function withConflictRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || n >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 5 * n)));
    }
  }
}
