/** The Idempotency-Key was already used by this customer with another request body. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'ORDER.IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('This Idempotency-Key was already used with a different request body');
  }
}
