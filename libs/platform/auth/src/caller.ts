import type { JWTPayload } from 'jose';
import { InvalidTokenError } from './auth.errors.js';

/**
 * The verified caller of a request: who the access token was issued to. A user (password or
 * refresh grant: the token carries `email`) or a service client (client credentials grant: no `email`).
 * Structurally an `Actor` of `@archipelago/platform-service`, so it becomes the request context's actor.
 */
export interface Caller {
  /** `sub`: the user id (UUID) or the client id. */
  readonly id: string;
  /** `roles`, e.g. `['customer']`, `['admin']`; empty when the token has none. */
  readonly roles: readonly string[];
  /** `email`, users only. */
  readonly email?: string;
  /**
   * `email_verified` (OpenID Connect Core §5.1): `true` only when the token says the user proved
   * they receive mail at `email`. Decide access by `email` only when this is `true`: anyone can
   * register an account under someone else's address before (or without) proving it. Absent
   * (a caller built elsewhere, e.g. identity's own gRPC verifier) means not verified.
   */
  readonly emailVerified?: boolean;
  readonly kind: 'user' | 'client';
  /** `scope` split on spaces (RFC 6749 §3.3); empty when absent. */
  readonly scopes: readonly string[];
  /** `jti`: the token's id, for audit. */
  readonly tokenId?: string;
}

/**
 * Builds the {@link Caller} from verified claims.
 * @throws {InvalidTokenError} when `sub` is missing or `roles`, `email`, `email_verified` (boolean)
 *   or `scope` have the wrong type.
 */
export function callerFromClaims(payload: JWTPayload): Caller {
  const {
    sub,
    roles = [],
    email,
    email_verified: emailVerified,
    scope,
    jti,
  } = payload as JWTPayload & { roles?: unknown; email?: unknown; email_verified?: unknown; scope?: unknown };
  if (typeof sub !== 'string' || sub === '')
    throw new InvalidTokenError('malformed', 'The access token has no subject.');
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string'))
    throw new InvalidTokenError('malformed', 'The access token roles claim must be an array of strings.');
  if (email !== undefined && typeof email !== 'string')
    throw new InvalidTokenError('malformed', 'The access token email claim must be a string.');
  if (emailVerified !== undefined && typeof emailVerified !== 'boolean')
    throw new InvalidTokenError('malformed', 'The access token email_verified claim must be a boolean.');
  if (scope !== undefined && typeof scope !== 'string')
    throw new InvalidTokenError('malformed', 'The access token scope claim must be a string.');
  return {
    id: sub,
    roles: [...(roles as string[])],
    ...(email !== undefined && { email }),
    emailVerified: email !== undefined && emailVerified === true,
    kind: email === undefined ? 'client' : 'user',
    scopes: scope ? scope.split(' ').filter(Boolean) : [],
    ...(jti !== undefined && { tokenId: jti }),
  };
}
