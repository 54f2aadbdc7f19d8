import { IdempotencyKeyReusedError } from './idempotency-key.errors.js';
import type { IdempotencyKeyStorePort, RememberedAnswer } from './port/idempotency-key.port.js';

/** A use case's result, marked `replayed` when it is the stored answer to an earlier request with the key. */
export type MaybeReplayed<R> = R & { readonly replayed?: boolean };

/**
 * Runs `work` at most once per (`callerId`, `key`) (IETF draft-ietf-httpapi-idempotency-key-header):
 * without a key it just runs; with a new key it runs and its result (plain JSON) is stored with
 * `fingerprint`; with a known key the stored result is answered again (`replayed: true`) and `work`
 * does not run. Two requests with one key racing both run `work` (so `work` must be idempotent on its
 * own), and both answer the result stored first. Errors are not stored.
 * @throws IdempotencyKeyReusedError (422) when the key was stored with another fingerprint
 */
export async function withIdempotencyKey<R extends object>(
  keys: IdempotencyKeyStorePort,
  callerId: string,
  key: string | undefined,
  fingerprint: string,
  work: () => Promise<R>,
): Promise<MaybeReplayed<R>> {
  if (key === undefined) return work();
  const replay = (earlier: RememberedAnswer): MaybeReplayed<R> => {
    if (earlier.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError(key);
    return { ...(earlier.answer as R), replayed: true };
  };
  const earlier = await keys.find(callerId, key);
  if (earlier) return replay(earlier);
  const result = await work();
  const stored = await keys.remember(callerId, key, { fingerprint, answer: result });
  return stored.answer === result ? result : replay(stored);
}
