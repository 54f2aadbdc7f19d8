import { DomainError } from '@archipelago/util-decider';

/** The caller sent this Idempotency-Key before with another request (another task or cascade): 422. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY.KEY_REUSED';
  constructor(key: string) {
    super(`Idempotency-Key ${key} was already used with a different request`, { key });
  }
}
