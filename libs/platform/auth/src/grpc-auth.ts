import type { Metadata } from '@grpc/grpc-js';
import { toGrpcError } from '@archipelago/platform-grpc';
import { AuthUnavailableError, InvalidTokenError } from './auth.errors.js';
import { parseBearerToken } from './bearer-token.js';
import type { Caller } from './caller.js';
import type { TokenVerifier } from './token-verifier.js';

/**
 * Authenticates a gRPC call from its `authorization` metadata (`Bearer <jwt>`, forwarded by the
 * calling service) for handlers that need a caller: `const caller = await authenticateGrpcCall(this.verifier, metadata, ['admin'])`.
 *
 * @param roles when given, the caller must hold at least one of them.
 * @returns the verified caller.
 * @throws RpcException `UNAUTHENTICATED` (no or bad token), `PERMISSION_DENIED` (missing role)
 *   or `UNAVAILABLE` (JWKS unreachable), ready to be thrown from the handler.
 */
export async function authenticateGrpcCall(
  verifier: TokenVerifier,
  metadata: Metadata | undefined,
  roles: readonly string[] = [],
): Promise<Caller> {
  const raw = metadata?.get('authorization')[0];
  const token = parseBearerToken(typeof raw === 'string' ? raw : undefined);
  if (!token) throw toGrpcError('UNAUTHENTICATED', 'a valid bearer access token is required');
  let caller: Caller;
  try {
    caller = await verifier.verify(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw toGrpcError('UNAUTHENTICATED', error.message);
    if (error instanceof AuthUnavailableError) throw toGrpcError('UNAVAILABLE', error.message);
    throw error;
  }
  if (roles.length > 0 && !roles.some((role) => caller.roles.includes(role)))
    throw toGrpcError('PERMISSION_DENIED', `requires the role ${roles.join(' or ')}`);
  return caller;
}
