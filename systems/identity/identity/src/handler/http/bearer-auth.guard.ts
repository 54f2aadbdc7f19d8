import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import { currentRequestContext, ProblemException } from '@archipelago/platform-service';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticateQuery } from '../../use-case/authenticate/authenticate.query.js';
import { type AccessTokenSubject, InvalidAccessTokenError } from '../../use-case/port/access-tokens.port.js';

const REQUIRED_ROLES = 'identity:required-roles';

/** Route metadata: the caller needs every one of `roles` (403 otherwise). Use with {@link BearerAuthGuard}. */
export const RequireRoles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES, roles);

type AuthenticatedRequest = FastifyRequest & { caller?: AccessTokenSubject };

/** The verified caller of a route guarded by {@link BearerAuthGuard}. */
export const Caller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AccessTokenSubject =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().caller!,
);

// RFC 6750 §2.1 b64token.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Bearer authentication (RFC 6750) with identity's own keys — identity is the issuer, so it
 * verifies in process instead of fetching its own JWKS — and the account's CURRENT roles (see
 * AuthenticateUseCase: roles in the token are not trusted here). No, malformed, expired or foreign
 * token, or a token of an unknown or disabled account →
 * 401 problem+json with `WWW-Authenticate: Bearer error="invalid_token"`; a missing role (see
 * {@link RequireRoles}) → 403. Sets the request context's actor for event metadata.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const match = BEARER.exec(request.headers.authorization ?? '');
    let caller: AccessTokenSubject | undefined;
    if (match) {
      caller = await this.queries
        .execute<AuthenticateQuery, AccessTokenSubject>(new AuthenticateQuery(match[1]!))
        .catch((error: unknown) => {
          if (error instanceof InvalidAccessTokenError) return undefined;
          throw error;
        });
    }
    if (!caller) {
      void http
        .getResponse<FastifyReply>()
        .header('WWW-Authenticate', 'Bearer realm="archipelago", error="invalid_token"');
      throw new ProblemException(401, { title: 'Unauthorized', detail: 'A valid bearer access token is required' });
    }
    request.caller = caller;
    const requestContext = currentRequestContext();
    if (requestContext) requestContext.actor = { id: caller.subject, roles: caller.roles };
    const required =
      this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, [
        context.getHandler(),
        context.getClass(),
      ]) ?? [];
    if (!required.every((role) => caller.roles.includes(role))) {
      throw new ProblemException(403, {
        title: 'Forbidden',
        detail: `This operation needs the role ${required.join(', ')}`,
      });
    }
    return true;
  }
}
