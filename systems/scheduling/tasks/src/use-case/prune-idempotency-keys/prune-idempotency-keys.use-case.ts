import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IDEMPOTENCY_KEY_STORE, type IdempotencyKeyStorePort } from '../port/idempotency-key.port.js';
import { PruneIdempotencyKeysCommand } from './prune-idempotency-keys.command.js';

/** Keys deleted per statement: each batch is its own short transaction. */
export const PRUNE_BATCH = 1000;

/**
 * One pass of the Idempotency-Key retention (the command role runs it every
 * `IDEMPOTENCY_KEY_RETENTION_INTERVAL_SECONDS`): deletes, in batches of {@link PRUNE_BATCH}, the keys
 * stored before `now − retentionMs` until a batch comes back short, and returns how many it deleted.
 * Keys are kept at least `retentionMs` (24 h by default, the window Stripe keeps and
 * draft-ietf-httpapi-idempotency-key-header suggests a server announces), so a retry within it still
 * replays. Safe on several replicas at once (each batch deletes what it finds; a row another replica
 * deleted first is skipped).
 * @throws the store's database error (batches already deleted stay deleted; the next pass goes on)
 */
@CommandHandler(PruneIdempotencyKeysCommand)
export class PruneIdempotencyKeysUseCase implements ICommandHandler<PruneIdempotencyKeysCommand, number> {
  constructor(@Inject(IDEMPOTENCY_KEY_STORE) private readonly keys: IdempotencyKeyStorePort) {}

  async execute({ now, retentionMs }: PruneIdempotencyKeysCommand): Promise<number> {
    const before = new Date(Date.parse(now) - retentionMs).toISOString();
    let total = 0;
    for (;;) {
      const deleted = await this.keys.deleteStoredBefore(before, PRUNE_BATCH);
      total += deleted;
      if (deleted < PRUNE_BATCH) return total;
    }
  }
}
