import { LRUCache } from 'lru-cache';
import type { PostgresEventStore } from './event-store.js';
import type { RecordedEvent } from './event-store.types.js';
import type { SqlClient } from './sql.js';

/** A stream folded into its state, at `version` (number of events; 0 = no stream). */
export interface StreamState<S> {
  readonly state: S;
  readonly version: number;
}

export interface StreamStateCacheOptions<S> {
  /** State of a stream without events. */
  readonly initialState: () => S;
  /** Folds one recorded event into the state. Must not mutate `state` (the cached value is shared). */
  readonly evolve: (state: S, event: RecordedEvent) => S;
  /** Streams kept in memory, least recently used dropped first (default 10,000). */
  readonly maxStreams?: number;
}

interface Entry<S> extends StreamState<S> {
  /** Id of the event at `version`, to detect a cached event that was rolled back. */
  readonly lastEventId: string | undefined;
}

/**
 * In-process cache of folded stream states, for long-lived streams (a product's stock, a wallet)
 * that every command would otherwise read and fold from their first event: a load reads only the
 * events after the cached version, plus the event at the cached version to check that it is still
 * the one folded in. The database stays the truth: every load sees every committed event, so
 * several processes can cache the same stream, and writes keep their expected-version check.
 *
 * Stream versions become visible as a gap-free prefix (an append at version n + 1 needs version n,
 * see `PostgresEventStore.append`), so "the events after version n" is exact. If the event at the
 * cached version is not the cached one (a read inside a transaction that then rolled back), or
 * the read does not continue the cached version, the stream is read and folded from the start.
 */
export class StreamStateCache<S> {
  private readonly entries: LRUCache<string, Entry<S>>;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly options: StreamStateCacheOptions<S>,
  ) {
    this.entries = new LRUCache({ max: options.maxStreams ?? 10_000 });
  }

  /** The stream's current state and version (`version` 0 and the initial state when it has no events). */
  async load(client: SqlClient, streamId: string): Promise<StreamState<S>> {
    const cached = this.entries.get(streamId);
    if (cached && cached.version > 0) {
      const events = await this.store.readStream(client, streamId, cached.version);
      if (events[0]?.id === cached.lastEventId && events.every((e, i) => e.streamVersion === cached.version + i)) {
        return this.remember(streamId, this.fold(cached, events.slice(1)));
      }
    }
    const events = await this.store.readStream(client, streamId);
    return this.remember(streamId, this.fold({ state: this.options.initialState(), version: 0, lastEventId: undefined }, events));
  }

  /** Forgets one stream (or all), e.g. after a rebuild. */
  forget(streamId?: string): void {
    if (streamId === undefined) this.entries.clear();
    else this.entries.delete(streamId);
  }

  /** Number of streams held. */
  get size(): number {
    return this.entries.size;
  }

  private fold(from: Entry<S>, events: readonly RecordedEvent[]): Entry<S> {
    if (events.length === 0) return from;
    let state = from.state;
    for (const event of events) state = this.options.evolve(state, event);
    const last = events[events.length - 1]!;
    return { state, version: last.streamVersion, lastEventId: last.id };
  }

  private remember(streamId: string, entry: Entry<S>): StreamState<S> {
    if (entry.version > 0) this.entries.set(streamId, entry);
    else this.entries.delete(streamId);
    return { state: entry.state, version: entry.version };
  }
}
