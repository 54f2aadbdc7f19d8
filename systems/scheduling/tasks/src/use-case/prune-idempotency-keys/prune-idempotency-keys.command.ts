/**
 * Delete the Idempotency-Keys stored more than `retentionMs` milliseconds before `now` (an RFC 3339
 * instant); a retry with such a key is then a new request.
 */
export class PruneIdempotencyKeysCommand {
  constructor(
    readonly now: string,
    readonly retentionMs: number,
  ) {}
}
