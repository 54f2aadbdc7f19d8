import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { currentRequestContext, ProblemException, problemTypeUri } from '@archipelago/platform-service';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE_KEY, REQUIRED_ROLES_KEY } from './auth.decorators.js';
import { AuthUnavailableError, InvalidTokenError } from './auth.errors.js';
import { parseBearerToken } from './bearer-token.js';
import type { Caller } from './caller.js';
import { attachCaller } from './caller-of-request.js';
import { TokenVerifier } from './token-verifier.js';

/** `realm` of the `WWW-Authenticate` challenges (RFC 6750 §3). */
export const AUTH_REALM = 'archipelago';

/**
 * The global HTTP guard installed by `AuthModule` (zero trust: the edge checked the token, the
 * service checks it again). Every route needs a valid bearer token unless marked `@Public()`:
 * - no token → 401 problem+json, `WWW-Authenticate: Bearer realm="archipelago"` (RFC 6750 §3.1:
 *   no error code when the request had no credentials);
 * - a bad token → 401, `WWW-Authenticate: Bearer realm="archipelago", error="invalid_token", error_description="…"`;
 * - a valid token without a role `@Roles(…)` requires → 403 problem+json,
 *   `WWW-Authenticate: Bearer … error="insufficient_scope"`;
 * - the JWKS cannot be fetched → 503 problem+json (the token may be fine).
 * On success the {@link Caller} is attached to the request (`@Caller()`) and becomes the
 * platform request context's `actor` (so events record who did it). Non-HTTP contexts (gRPC,
 * Kafka) pass through: gRPC handlers use `authenticateGrpcCall`.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE_KEY, targets) === true;
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES_KEY, targets) ?? [];
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const token = parseBearerToken(request.headers.authorization);

    if (isPublic) {
      if (token)
        await this.verifier.verify(token).then(
          (caller) => this.attach(request, caller),
          () => undefined,
        );
      return true;
    }
    if (token === undefined) throw challenge(reply, 401, undefined, 'A bearer access token is required.');
    if (token === null)
      throw challenge(reply, 401, 'invalid_token', 'The Authorization header is not a valid bearer token.');
    let caller: Caller;
    try {
      caller = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw challenge(reply, 401, 'invalid_token', error.message);
      if (error instanceof AuthUnavailableError) {
        throw new ProblemException(503, {
          type: problemTypeUri('auth-unavailable'),
          title: 'Authentication unavailable',
          detail: 'The access token cannot be checked right now; retry later.',
        });
      }
      throw error;
    }
    this.attach(request, caller);
    if (roles.length > 0 && !roles.some((role) => caller.roles.includes(role))) {
      throw challenge(reply, 403, 'insufficient_scope', `This operation requires the role ${roles.join(' or ')}.`, {
        requiredRoles: roles,
      });
    }
    return true;
  }

  private attach(request: FastifyRequest, caller: Caller): void {
    attachCaller(request, caller);
    const context = currentRequestContext();
    if (context) context.actor = caller;
  }
}

/**
 * Sets the RFC 6750 §3 challenge on the reply (the platform's problem filter keeps headers already
 * set on the Fastify reply) and returns the problem to throw.
 */
function challenge(
  reply: FastifyReply,
  status: 401 | 403,
  error: 'invalid_token' | 'insufficient_scope' | undefined,
  detail: string,
  extensions?: Record<string, unknown>,
): ProblemException {
  const params = [`realm="${AUTH_REALM}"`];
  if (error) params.push(`error="${error}"`, `error_description="${detail.replace(/["\\]/g, '')}"`);
  void reply.header('WWW-Authenticate', `Bearer ${params.join(', ')}`);
  return new ProblemException(status, {
    type: problemTypeUri(status === 401 ? 'unauthorized' : 'forbidden'),
    title: status === 401 ? 'Unauthorized' : 'Forbidden',
    detail,
    ...(extensions && { extensions }),
  });
}
