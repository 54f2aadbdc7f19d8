import { LRUCache } from 'lru-cache';

/** Settings of a {@link VerifiedTokenCache}. */
export interface VerifiedTokenCacheOptions {
  /** Most tokens kept (least recently used ones are dropped first); 0 turns caching off. */
  readonly maxEntries: number;
  /**
   * Longest time in ms an entry is used, even if its token is valid for longer: a key removed
   * from the issuer's JWKS stops being accepted at most this long after a token was last verified.
   */
  readonly maxAgeMs: number;
  /** Clock in ms since the epoch (default Date.now). */
  readonly now?: () => number;
}

/**
 * Tokens whose signature and claims were already verified (RFC 7519 JWTs), by exact token string
 * (a token that differs in any byte is another key, so a tampered token is never a hit). An entry
 * lives until the token's `exp` or `maxAgeMs` after it was stored, whichever comes first (the clock
 * is read on every lookup), so a hit is never an expired token; only successes are stored. Used by
 * the services' token verifier (`@archipelago/platform-auth`) and the edge's jwt plugin. Free of
 * Nest and gRPC, so the edge can use it without loading them.
 */
export class VerifiedTokenCache<V> {
  private readonly entries: LRUCache<string, { readonly value: V }> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: VerifiedTokenCacheOptions) {
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 0)
      throw new RangeError(`maxEntries must be an integer >= 0, got ${options.maxEntries}`);
    if (!(options.maxAgeMs > 0)) throw new RangeError(`maxAgeMs must be > 0, got ${options.maxAgeMs}`);
    if (options.maxEntries === 0) return;
    this.entries = new LRUCache({
      max: options.maxEntries,
      ttl: Math.ceil(options.maxAgeMs),
      // No 1 ms timer per lookup (lru-cache's default debounce of its clock): read the clock each time.
      ttlResolution: 0,
      perf: { now: this.now },
    });
  }

  /** The value stored for `token`, or undefined (never stored, evicted, past `exp` or past max age). */
  get(token: string): V | undefined {
    return this.entries?.get(token)?.value;
  }

  /**
   * Stores the result of a successful verification.
   * @param expSeconds the token's `exp` (NumericDate, seconds); undefined → kept for `maxAgeMs` only.
   */
  set(token: string, value: V, expSeconds: number | undefined): void {
    if (this.entries === undefined) return;
    const untilExp = expSeconds === undefined ? Infinity : expSeconds * 1000 - this.now();
    const ttl = Math.floor(Math.min(this.options.maxAgeMs, untilExp));
    if (ttl < 1) return;
    this.entries.set(token, { value }, { ttl });
  }

  /** Number of entries held (expired ones may count until they are looked up or evicted). */
  get size(): number {
    return this.entries?.size ?? 0;
  }
}
