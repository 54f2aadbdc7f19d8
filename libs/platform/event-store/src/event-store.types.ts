/**
 * Metadata stored with every event (jsonb): who and what caused it, for tracing a fact back to the
 * request that produced it. `traceparent` follows W3C Trace Context.
 */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actor?: string;
  traceparent?: string;
  [key: string]: unknown;
}

/** An event to append. `id` defaults to a random UUID; `schemaVersion` to the type's newest version. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly id?: string;
  readonly schemaVersion?: number;
}

/** An event as stored, after upcasting to its newest shape. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  readonly id: string;
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly streamId: string;
  /** 1-based position of the event in its stream. */
  readonly streamVersion: number;
  /** Position in the service's whole log (unique, but assigned before commit: not commit order). */
  readonly globalPosition: number;
  /** Postgres transaction id (xid8) as a decimal string. */
  readonly transactionId: string;
  /** The schema version the event was written with (before upcasting). */
  readonly schemaVersion: number;
  readonly recordedAt: Date;
}

/**
 * Optimistic concurrency for an append: the exact current version of the stream (number of events;
 * 0 = no events yet), `'no_stream'` (same as 0), `'stream_exists'` (at least one event), or `'any'`.
 */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

/** Where a catch-up reader stands in the log: the last (transaction, position) it processed. */
export interface LogCheckpoint {
  /** xid8 as a decimal string; `'0'` before the first event. */
  readonly transactionId: string;
  readonly position: number;
}

/** The checkpoint before the first event of any log. */
export const LOG_START: LogCheckpoint = Object.freeze({ transactionId: '0', position: 0 });

/**
 * Thrown by `append` when the stream is not at the expected version (someone else appended first).
 * Use cases reload the stream and decide again; the append is never silently lost.
 */
export class WrongExpectedVersionError extends Error {
  readonly code = 'EVENT_STORE.WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
  ) {
    super(`Stream ${streamId} is not at expected version ${String(expected)}`);
    this.name = 'WrongExpectedVersionError';
  }
}
