import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';

/** Trailing-metadata key carrying the stable domain error code (e.g. `ORDER.NOT_FOUND`). */
export const ERROR_CODE_METADATA_KEY = 'x-error-code';

/** Name of a gRPC status code, e.g. `'NOT_FOUND'`. */
export type GrpcStatusName = keyof typeof status;

// Suffixes of domain error codes (`<AGGREGATE>.<RULE>`, STYLE.md) with an obvious status.
const SUFFIX_STATUS: readonly (readonly [string, status])[] = [
  ['NOT_FOUND', status.NOT_FOUND],
  ['ALREADY_EXISTS', status.ALREADY_EXISTS],
  ['INVALID_ARGUMENT', status.INVALID_ARGUMENT],
  ['INVALID', status.INVALID_ARGUMENT],
  ['VALIDATION_FAILED', status.INVALID_ARGUMENT],
  ['CONFLICT', status.ABORTED],
  ['UNAUTHENTICATED', status.UNAUTHENTICATED],
  ['PERMISSION_DENIED', status.PERMISSION_DENIED],
  ['FORBIDDEN', status.PERMISSION_DENIED],
];

/**
 * gRPC status for a status code, a status name, or a domain error code.
 *
 * - a number or an exact status name (`'NOT_FOUND'`, `'FAILED_PRECONDITION'` …) is taken as is;
 * - a domain code is matched by its suffix: `*NOT_FOUND` → NOT_FOUND, `*ALREADY_EXISTS` →
 *   ALREADY_EXISTS, `*INVALID`, `*INVALID_ARGUMENT`, `*VALIDATION_FAILED` → INVALID_ARGUMENT,
 *   `*CONFLICT` → ABORTED (optimistic concurrency: the caller may retry the whole operation),
 *   `*UNAUTHENTICATED` → UNAUTHENTICATED, `*FORBIDDEN`, `*PERMISSION_DENIED` → PERMISSION_DENIED;
 * - any other domain code is a business rule that refused the request → FAILED_PRECONDITION.
 */
export function grpcStatusFor(codeOrStatus: status | GrpcStatusName | string): status {
  if (typeof codeOrStatus === 'number') return codeOrStatus;
  if (Object.hasOwn(status, codeOrStatus) && typeof status[codeOrStatus as GrpcStatusName] === 'number') {
    return status[codeOrStatus as GrpcStatusName];
  }
  const upper = codeOrStatus.toUpperCase();
  return SUFFIX_STATUS.find(([suffix]) => upper.endsWith(suffix))?.[1] ?? status.FAILED_PRECONDITION;
}

/**
 * An `RpcException` that the NestJS gRPC transport turns into a real gRPC status (the payload's
 * `code` and `details` are what @grpc/grpc-js sends). When `codeOrStatus` is a domain error code
 * (not a number or status name) it also travels in the trailing metadata under
 * {@link ERROR_CODE_METADATA_KEY}, so callers can tell two NOT_FOUNDs apart.
 *
 * @param codeOrStatus gRPC status, status name, or domain error code; see {@link grpcStatusFor}.
 * @param message human-readable details; must not leak internals (it reaches the caller).
 */
export function toGrpcError(codeOrStatus: status | GrpcStatusName | string, message: string): RpcException {
  const code = grpcStatusFor(codeOrStatus);
  const metadata = new Metadata();
  if (typeof codeOrStatus === 'string' && !Object.hasOwn(status, codeOrStatus)) {
    metadata.set(ERROR_CODE_METADATA_KEY, codeOrStatus);
  }
  return new RpcException({ code, message, details: message, metadata });
}

/** A gRPC call failure as seen by a client: status, details and the domain code if any. */
export interface GrpcFailure {
  readonly code: status;
  readonly details: string;
  readonly domainCode: string | undefined;
}

/**
 * Reads a client-side call error (a grpc-js `ServiceError`); `undefined` when `error` is not one.
 * Gateways use it to map remote failures onto their own port's errors.
 */
export function readGrpcFailure(error: unknown): GrpcFailure | undefined {
  if (!(error instanceof Error) || typeof (error as Partial<ServiceError>).code !== 'number') return undefined;
  const serviceError = error as ServiceError;
  const domainCode = serviceError.metadata?.get(ERROR_CODE_METADATA_KEY)[0];
  return {
    code: serviceError.code,
    details: serviceError.details ?? serviceError.message,
    domainCode: typeof domainCode === 'string' ? domainCode : undefined,
  };
}

/** The gRPC status codes (grpc-js `status` enum), re-exported so callers need not import grpc-js. */
export { status as GrpcStatus };
