import { Metadata, type Server, status, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { findUnstorableString } from '@archipelago/util-safe-text';
import { ERROR_CODE_METADATA_KEY } from './grpc.errors.js';

/** Domain-style code sent in the trailers of a call refused by {@link rejectUnstorableRequests}. */
export const UNSTORABLE_INPUT_CODE = 'REQUEST.VALIDATION_FAILED';

type AnyHandler = (call: { request?: unknown }, callback?: (error: object | null) => void) => unknown;

/**
 * Makes every service added to `server` from now on refuse a request message carrying a string
 * that cannot be stored (U+0000 or an unpaired surrogate, see `findUnstorableString`) with
 * `INVALID_ARGUMENT`, before its handler runs. The details name the field as an RFC 6901 JSON
 * Pointer into the decoded message (`field /ids/1: must not contain the NUL character (U+0000)`)
 * and the trailers carry `x-error-code: REQUEST.VALIDATION_FAILED`. Applies to unary and
 * server-streaming methods (whose request is one message); client-streaming methods are passed
 * through. Called by {@link grpcServerOptions} for every server it configures.
 */
export function rejectUnstorableRequests(server: Server): void {
  const addService = server.addService.bind(server);
  server.addService = (service: ServiceDefinition, implementation: UntypedServiceImplementation) => {
    const guarded: UntypedServiceImplementation = { ...implementation };
    for (const [name, definition] of Object.entries(service)) {
      // grpc-js looks a handler up by the method's name, then by its original (camelCase) name.
      const key = implementation[name] ? name : definition.originalName;
      const original = key === undefined ? undefined : (implementation[key] as AnyHandler | undefined);
      if (!original || key === undefined || definition.requestStream) continue;
      guarded[key] = ((call: { request?: unknown; emit?: (event: string, error: object) => void }, callback?: (error: object | null) => void) => {
        const found = findUnstorableString(call.request);
        if (!found) return original(call, callback);
        const metadata = new Metadata();
        metadata.set(ERROR_CODE_METADATA_KEY, UNSTORABLE_INPUT_CODE);
        const error = { code: status.INVALID_ARGUMENT, details: `field ${found.pointer || '(message)'}: ${found.message}`, metadata };
        if (callback) callback(error);
        else call.emit?.('error', error);
        return undefined;
      }) as UntypedServiceImplementation[string];
    }
    addService(service, guarded);
  };
}
