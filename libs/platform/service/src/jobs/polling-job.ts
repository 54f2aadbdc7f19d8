import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/** Options of a {@link PollingJob}. */
export interface PollingJobOptions {
  /** Pause between the end of one round and the start of the next, in ms. */
  readonly pollMs: number;
  /** Called with the error of one round; the job keeps polling. */
  readonly onError?: (error: unknown) => void;
}

/**
 * A background job that runs {@link runOnce} every `pollMs` from application bootstrap to
 * shutdown. Rounds never overlap within a process (the next is scheduled when one settles);
 * shutdown stops scheduling and waits for the round in flight. Jobs that may run on several
 * replicas must claim their work themselves (e.g. FOR UPDATE SKIP LOCKED).
 */
export abstract class PollingJob<R> implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> = Promise.resolve();

  protected constructor(private readonly pollOptions: PollingJobOptions) {}

  /** One round of the job's work. */
  abstract runOnce(): Promise<R>;

  onApplicationBootstrap(): void {
    const tick = () => {
      this.round = this.runOnce()
        .catch((error: unknown) => this.pollOptions.onError?.(error))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.pollOptions.pollMs);
        });
    };
    this.timer = setTimeout(tick, this.pollOptions.pollMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.round;
  }
}
