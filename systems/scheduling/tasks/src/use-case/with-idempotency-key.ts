import { IdempotencyKeyReusedError } from './idempotency-key.errors.js';
import type { IdempotencyKeyStorePort, KeyedAnswer, RememberedAnswer } from './port/idempotency-key.port.js';

/** A use case's result, marked `replayed` when it is the stored answer to an earlier request with the key. */
export type MaybeReplayed<R> = R & { readonly replayed?: boolean };

/** Makes the row storing `answer` for this request's key, for `work` to write in its own transaction. */
export type AnswerToStore<R> = (answer: R) => KeyedAnswer;

/**
 * Runs `work` at most once per (`callerId`, `key`) (IETF draft-ietf-httpapi-idempotency-key-header):
 * without a key it just runs; with a new key it runs and its result (plain JSON) is stored with
 * `fingerprint` — by `work` itself in the transaction of its writes when it uses the `AnswerToStore` it
 * is given (so no crash can leave the writes without the key), else here once it is done; with a known
 * key the stored result is answered again (`replayed: true`) after `onReplay` (which finishes what the
 * stored answer implies, idempotently), and `work` does not run. Two requests with one key racing both
 * run `work` (so `work` must be idempotent on its own), and both answer the result stored first.
 * Errors are not stored. A key lives as long as the store keeps it (its retention); after that it is new.
 * @throws IdempotencyKeyReusedError (422) when the key was stored with another fingerprint
 */
export async function withIdempotencyKey<R extends object>(
  keys: IdempotencyKeyStorePort,
  callerId: string,
  key: string | undefined,
  fingerprint: string,
  work: (store: AnswerToStore<R> | undefined) => Promise<R>,
  onReplay: (answer: R) => Promise<void> = () => Promise.resolve(),
): Promise<MaybeReplayed<R>> {
  if (key === undefined) return work(undefined);
  const replay = async (earlier: RememberedAnswer): Promise<MaybeReplayed<R>> => {
    if (earlier.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError(key);
    await onReplay(earlier.answer as R);
    return { ...(earlier.answer as R), replayed: true };
  };
  const earlier = await keys.find(callerId, key);
  if (earlier) return replay(earlier);
  const requestId = globalThis.crypto.randomUUID();
  const result = await work((answer) => ({ callerId, key, remembered: { fingerprint, answer, requestId } }));
  const stored = await keys.remember(callerId, key, { fingerprint, answer: result, requestId });
  return stored.requestId === requestId ? result : replay(stored);
}
