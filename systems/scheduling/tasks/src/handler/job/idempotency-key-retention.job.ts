import { PollingJob, type PollingJobOptions } from '@archipelago/platform-service';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PruneIdempotencyKeysCommand } from '../../use-case/prune-idempotency-keys/prune-idempotency-keys.command.js';

/**
 * Options of the Idempotency-Key retention job: `pollMs` is the pause between passes
 * (`IDEMPOTENCY_KEY_RETENTION_INTERVAL_SECONDS` × 1000), `retentionMs` how long a key is kept
 * (`IDEMPOTENCY_KEY_RETENTION_HOURS` × 3 600 000).
 */
export interface IdempotencyKeyRetentionJobOptions extends PollingJobOptions {
  readonly retentionMs: number;
}

export const IDEMPOTENCY_KEY_RETENTION_JOB_OPTIONS = Symbol('IdempotencyKeyRetentionJobOptions');

/**
 * Background job of the command role: every `pollMs`, one pass deleting the Idempotency-Keys older than
 * `retentionMs` (see {@link PruneIdempotencyKeysCommand}); returns how many it deleted.
 */
@Injectable()
export class IdempotencyKeyRetentionJob extends PollingJob<number> {
  constructor(
    private readonly commands: CommandBus,
    @Inject(IDEMPOTENCY_KEY_RETENTION_JOB_OPTIONS) private readonly options: IdempotencyKeyRetentionJobOptions,
  ) {
    super(options);
  }

  /** One pass at the current time. */
  runOnce(): Promise<number> {
    return this.commands.execute(new PruneIdempotencyKeysCommand(new Date().toISOString(), this.options.retentionMs));
  }
}
