/** The answer a request with an Idempotency-Key got, and what identified that request. */
export interface RememberedAnswer {
  /** Canonical form of the request (operation, target, options): equal for the same request. */
  readonly fingerprint: string;
  /** The use case's result, as JSON. */
  readonly answer: unknown;
  /** The request (one attempt of the use case, a UUID) that stored it; absent on keys stored before it was kept. */
  readonly requestId?: string;
}

/** An answer to store for `callerId`'s `key`, in the transaction of the work it answers (`TaskRepositoryPort.save`). */
export interface KeyedAnswer {
  readonly callerId: string;
  readonly key: string;
  readonly remembered: RememberedAnswer;
}

/**
 * Idempotency-Keys of one caller and the answers they got (IETF draft-ietf-httpapi-idempotency-key-header):
 * a retry with the same key finds the first answer instead of doing the work again.
 */
export interface IdempotencyKeyStorePort {
  /** The answer stored for `callerId`'s `key`, or null when the key is new. */
  find(callerId: string, key: string): Promise<RememberedAnswer | null>;
  /**
   * Stores `remembered` for `callerId`'s `key` unless the key is taken; returns what is stored then
   * (another request's answer when it stored first).
   */
  remember(callerId: string, key: string, remembered: RememberedAnswer): Promise<RememberedAnswer>;
  /**
   * Deletes at most `limit` keys (of any caller) stored before `before` (an RFC 3339 instant), oldest
   * first, in one short statement; returns how many it deleted. A deleted key is new again.
   */
  deleteStoredBefore(before: string, limit: number): Promise<number>;
}

export const IDEMPOTENCY_KEY_STORE = Symbol('IdempotencyKeyStorePort');
