import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Who is acting. Filled by the auth guard once the caller's token is verified; `undefined` before. */
export interface Actor {
  /** Subject (`sub` claim) of the verified token, or a service name for machine callers. */
  readonly id: string;
  readonly roles: readonly string[];
}

/** W3C Trace Context (https://www.w3.org/TR/trace-context/) ids parsed from a `traceparent` header. */
export interface TraceIds {
  /** 32 lower-case hex characters. */
  readonly traceId: string;
  /** 16 lower-case hex characters: the caller's span, parent of ours. */
  readonly spanId: string;
}

/**
 * What the platform knows about the request being served. The event store copies it into event
 * metadata (correlation id, causation, actor, traceparent) and gRPC/Kafka clients forward it.
 * `actor` is the only field set after creation (by the auth guard).
 */
export interface RequestContext {
  /** The `X-Request-Id` given by the edge, or one generated here; echoed on the response. */
  readonly requestId: string;
  /** `X-Correlation-Id` when the caller sent one (a flow spanning several requests), else `requestId`. */
  readonly correlationId: string;
  /** The raw `traceparent` header when it is well-formed. */
  readonly traceparent: string | undefined;
  readonly trace: TraceIds | undefined;
  /** The raw `Authorization` header, to forward to downstream services. Never logged. */
  readonly authorization: string | undefined;
  actor: Actor | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request (or message) being handled, or `undefined` outside one. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/**
 * Runs `fn` with `context` as the current request context. HTTP requests get one from the platform;
 * message consumers and jobs call this themselves so their work carries ids too.
 */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

// Ids that reach logs and headers come from the outside: accept only a conservative alphabet
// (UUIDs, Kong's `uuid#counter`, ULIDs, hex) so they cannot inject log lines or header breaks.
const ID_PATTERN = /^[A-Za-z0-9._:#@+=/-]{1,200}$/;

/** Returns `value` when it is an acceptable incoming id, else `undefined`. */
export function acceptIncomingId(value: string | string[] | undefined): string | undefined {
  const id = Array.isArray(value) ? value[0] : value;
  return id !== undefined && ID_PATTERN.test(id) ? id : undefined;
}

/** A new request id (UUID v4). */
export function newRequestId(): string {
  return randomUUID();
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Parses a W3C `traceparent` header (`00-<trace-id>-<parent-id>-<flags>`). Returns `undefined` for a
 * malformed header, version `ff`, or all-zero ids, which the spec says to ignore.
 */
export function parseTraceparent(header: string | string[] | undefined): TraceIds | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : TRACEPARENT.exec(value.trim().toLowerCase());
  if (!match || match[1] === 'ff' || /^0+$/.test(match[2]!) || /^0+$/.test(match[3]!)) return undefined;
  return { traceId: match[2]!, spanId: match[3]! };
}

type Headers = Record<string, string | string[] | undefined>;

/** Builds the context of an incoming HTTP request from its (lower-case) headers and its request id. */
export function requestContextFromHeaders(requestId: string, headers: Headers): RequestContext {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const traceparent = first(headers['traceparent'])?.trim().toLowerCase();
  const trace = parseTraceparent(traceparent);
  return {
    requestId,
    correlationId: acceptIncomingId(headers['x-correlation-id']) ?? requestId,
    traceparent: trace ? traceparent : undefined,
    trace,
    authorization: first(headers['authorization']),
    actor: undefined,
  };
}
