import { HashingBusyError, type PasswordHasherPort } from '../use-case/port/password-hasher.port.js';

/** Limits of {@link BoundedPasswordHasher}. */
export interface HashingLimits {
  /** Hashes computed at once (match libuv's pool: `UV_THREADPOOL_SIZE`, 1 in our deployments). */
  readonly concurrency: number;
  /** Hashes allowed to wait for a slot; one more is refused with HashingBusyError. */
  readonly maxQueued: number;
  /** `Retry-After` (seconds) suggested to a refused caller. */
  readonly retryAfterSeconds: number;
}

/**
 * A bounded queue in front of a slow password hasher: at most `concurrency` hashes run, at most
 * `maxQueued` wait (first come, first served), and any further request fails at once with
 * HashingBusyError (HTTP 503 + Retry-After) instead of queueing without bound, so a flood of
 * registrations or logins cannot make every caller wait seconds for scrypt (issue 12 §1).
 */
export class BoundedPasswordHasher implements PasswordHasherPort {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly inner: PasswordHasherPort,
    private readonly limits: HashingLimits,
  ) {
    if (!(limits.concurrency >= 1 && limits.maxQueued >= 0)) throw new Error('bad hashing limits');
  }

  hash(secret: string): Promise<string> {
    return this.run(() => this.inner.hash(secret));
  }

  verify(secret: string, hash: string | undefined): Promise<boolean> {
    return this.run(() => this.inner.verify(secret, hash));
  }

  /** Hashes running and waiting now. */
  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.maxQueued) throw new HashingBusyError(this.limits.retryAfterSeconds);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
