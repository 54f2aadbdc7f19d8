import { Metadata } from '@grpc/grpc-js';

/**
 * Metadata keys carried from an incoming request to every outgoing gRPC call: W3C Trace Context
 * (`traceparent`, `tracestate`), the request id, and the caller's identity (`authorization`,
 * a bearer token that every service validates again).
 */
export const PROPAGATED_METADATA_KEYS = ['traceparent', 'tracestate', 'x-request-id', 'authorization'] as const;

/** What a gRPC handler learns from the call's metadata (absent keys are `undefined`). */
export interface GrpcCallContext {
  /** W3C Trace Context `traceparent` header value. */
  readonly traceparent: string | undefined;
  /** W3C Trace Context `tracestate` header value. */
  readonly tracestate: string | undefined;
  /** Request id (`x-request-id`), for log correlation. */
  readonly requestId: string | undefined;
  /** Raw `authorization` value, e.g. `Bearer <jwt>`; not validated here. */
  readonly authorization: string | undefined;
}

/**
 * Builds the metadata of an outgoing call from the request context plus per-call entries
 * (per-call entries win). Keys are lower-cased (gRPC keys are lower-case); empty or `undefined`
 * values are left out. Keys ending in `-bin` are not supported (string values only).
 *
 * @throws Error from @grpc/grpc-js when a key or value holds characters gRPC forbids.
 */
export function buildCallMetadata(
  context: Readonly<Record<string, string | undefined>> = {},
  perCall: Readonly<Record<string, string | undefined>> = {},
): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries({ ...lowerKeys(context), ...lowerKeys(perCall) })) {
    if (value) metadata.set(key, value);
  }
  return metadata;
}

/**
 * Reads the propagated keys from an incoming call's metadata, for NestJS `@GrpcMethod` handlers
 * (which receive `(data, metadata, call)`). A missing metadata object gives an empty context.
 */
export function readCallContext(metadata: Metadata | undefined): GrpcCallContext {
  const get = (key: string): string | undefined => {
    const value = metadata?.get(key)[0];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return {
    traceparent: get('traceparent'),
    tracestate: get('tracestate'),
    requestId: get('x-request-id'),
    authorization: get('authorization'),
  };
}

/**
 * The propagated keys of an incoming call as a plain record, ready to hand to an outgoing
 * client's `getContextMetadata` when a handler calls another service.
 */
export function propagatedMetadata(metadata: Metadata | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of PROPAGATED_METADATA_KEYS) {
    const value = metadata?.get(key)[0];
    if (typeof value === 'string' && value !== '') out[key] = value;
  }
  return out;
}

function lowerKeys(record: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
}
